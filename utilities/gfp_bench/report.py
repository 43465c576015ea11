"""Reports of a gfp-bench run: terminal table, JSON, CSV and Markdown.

Every report is drawn from the one JSON document of
:meth:`gfp_bench.results.Results.to_dict`, so a saved ``results.json``
can be rendered again (``python3 -m gfp_bench --from-json``) and all
reports agree with each other.
"""

from __future__ import annotations

import csv
import io
import json
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence

from . import stats

Doc = Dict[str, Any]

CSV_FIELDS: Sequence[str] = (
    "path", "status", "reason", "frame_size", "metric", "load", "unit",
    "median", "min", "max", "q1", "q3", "n", "ratio", "ratio_min",
    "ratio_max")
TABLE_LOAD = 0.5
"""The load (of PDR) whose p99 latency the terminal table shows."""
METHOD_DOC = "Documentation/topics/gfp-bench-method.rst"


def _mpps(pps: Optional[float]) -> str:
    return "-" if pps is None else "%.3f" % (pps / 1e6)


def _us(ns: Optional[float]) -> str:
    return "-" if ns is None else "%.1f" % (ns / 1e3)


def _median(spread: Optional[Doc]) -> Optional[float]:
    return None if spread is None else spread["median"]


def _ratio(r: Optional[Doc]) -> str:
    return "-" if r is None else "%.2f" % r["median"]


def _latency_at(size: Doc, load: float) -> Optional[Doc]:
    for entry in size["latency"]:
        if entry["load"] == load:
            return entry
    return None


def _problems(doc: Doc) -> Iterator[Doc]:
    for p in doc["paths"]:
        if p["status"] != "ok":
            yield p


def _cost(size: Doc) -> str:
    c = size.get("cost_us_per_packet")
    return "-" if c is None else "%.2f" % c["median"]


def _warnings(doc: Doc) -> List[str]:
    """The run's notes, generator warnings and each path's notes, one
    line each."""
    out = list(doc.get("notes", []))
    for p in doc["paths"]:
        for s in p["sizes"]:
            if s["generator_warning"]:
                out.append(
                    "%s %dB: MRR is %.0f%% of the generator's capacity "
                    "(%s Mpps): the figure may be the generator's, not the "
                    "path's" % (p["name"], s["frame_size"],
                                100 * s["generator_load"],
                                _mpps(_median(s["generator_pps"]))))
            for note in s["notes"]:
                out.append("%s %dB: %s" % (p["name"], s["frame_size"], note))
    return out


def guest_line(guest: Optional[Doc]) -> str:
    """One line saying the run's guest, its accelerator and what that
    means for the figures; for a VM, the switch of vswitch-only too."""
    if not guest:
        return "guest: none (simulated paths)"
    if guest["kind"] != "vm":
        return "guest: netns, %s (%s)" % (guest["note"], guest["why"])
    line = "guest: vm (QEMU), accel %s (%s); %s" % (
        guest["accel"], guest["why"], guest["note"])
    if guest.get("vswitch_only_switch"):
        line += "; kernel switching: %s (%s)" % (
            guest["vswitch_only_switch"], guest.get("switch_why"))
    return line


def doc_guest_line(doc: Doc) -> str:
    """The guest line of a run's document (one saved before --guest
    existed ran stand-in guests)."""
    if doc["simulated"]:
        return guest_line(None)
    if not doc.get("guest"):
        return "guest: netns (not recorded: a run from before --guest)"
    return guest_line(doc["guest"])


def table(doc: Doc) -> str:
    """The terminal table: fixed-width columns, one row per path and
    frame size, then skipped and failed paths and warnings."""
    cfg = doc["config"]
    base = cfg["baseline"]
    width = max([12] + [len(p["name"]) for p in doc["paths"]])
    row = "%%-%ds %%5s  %%-22s %%8s %%8s %%7s %%6s %%6s %%8s %%8s" % width
    head = row % ("path", "size", "MRR Mpps (min-max)", "NDR Mpps",
                  "PDR Mpps", "us/pkt", "x MRR", "x PDR", "p99 us",
                  "gen Mpps")
    lines = [head, "-" * len(head)]
    for p in doc["paths"]:
        if p["status"] != "ok" and not p["sizes"]:
            continue
        for s in p["sizes"]:
            mrr = s["mrr_pps"]
            mrr_text = "-" if mrr is None else "%s (%s-%s)" % (
                _mpps(mrr["median"]), _mpps(mrr["min"]), _mpps(mrr["max"]))
            lat = _latency_at(s, TABLE_LOAD)
            gen = _mpps(_median(s["generator_pps"]))
            if s["generator_warning"]:
                gen += "!"
            lines.append(row % (
                p["name"], s["frame_size"], mrr_text,
                _mpps(_median(s["ndr_pps"])), _mpps(_median(s["pdr_pps"])),
                _cost(s), _ratio(s["ratios"]["mrr"]),
                _ratio(s["ratios"]["pdr"]),
                _us(lat.get("p99_ns") if lat else None), gen))
    for p in _problems(doc):
        lines.append("%-*s %s: %s" % (width, p["name"], p["status"],
                                      p["reason"]))
    lines.append("")
    lines.append("Medians of %d trials of %g s, %d flow(s); us/pkt: CPU "
                 "time per forwarded frame, generator excluded; x: ratio "
                 "of medians against %s; p99 at %d%% of PDR."
                 % (cfg["trials"], cfg["trial_duration_s"], cfg["flows"],
                    _against(doc, base), 100 * TABLE_LOAD))
    if cfg.get("max_rate_pps"):
        lines.append("Offered rate capped at %g frames/s (--max-rate): MRR "
                     "is what came back at that rate." % cfg["max_rate_pps"])
    lines += ["seat: " + line for line in seat_lines(doc)]
    if doc["interrupted"]:
        lines.append("warning: the run was interrupted: figures are partial")
    return "\n".join(lines) + "\n"


def _against(doc: Doc, default: str) -> str:
    """What the ratios are taken against: one path, or each row's own."""
    bases = {p.get("baseline", default) for p in doc["paths"]
             if p["sizes"]}
    bases.discard(None)
    if len(bases) <= 1:
        return bases.pop() if bases else default
    return "each path's baseline (%s)" % ", ".join(
        "%s: %s" % (p["name"], p["baseline"]) for p in doc["paths"]
        if p["sizes"] and p.get("baseline") not in (None, p["name"]))


def seat_lines(doc: Doc) -> List[str]:
    """One line per distinct seat: the busy pollers against the CPUs."""
    seen: Dict[str, List[str]] = {}
    for p in doc["paths"]:
        seat = p.get("seat")
        if p["sizes"] and seat and seat["busy"]:
            seen.setdefault(seat["note"], []).append(p["name"])
    return ["%s: %s" % (", ".join(names), note)
            for note, names in seen.items()]


def summary_line(doc: Doc) -> str:
    """The one line the terminal gets for every warning and note."""
    warnings = _warnings(doc)
    if not warnings:
        return "notes:  none\n"
    gen = sum(1 for p in doc["paths"] for s in p["sizes"]
              if s["generator_warning"])
    return ("notes:  %d warning(s) and note(s)%s: see the report's "
            "\"Warnings and notes\"\n"
            % (len(warnings), " (%d where the generator may be the limit)"
               % gen if gen else ""))


def to_json(doc: Doc) -> str:
    """The JSON document, indented, keys in a stable order."""
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def _spread_row(spread: Optional[Doc]) -> Dict[str, Any]:
    if spread is None:
        return {}
    return {"median": spread["median"], "min": spread["min"],
            "max": spread["max"], "q1": spread["q1"], "q3": spread["q3"],
            "n": spread["n"]}


def csv_rows(doc: Doc) -> List[Dict[str, Any]]:
    """One row per path x frame size x metric; a path that did not run at
    all has one "status" row with the reason."""
    rows: List[Dict[str, Any]] = []
    for p in doc["paths"]:
        common = {"path": p["name"], "status": p["status"],
                  "reason": p["reason"] or ""}
        if not p["sizes"]:
            rows.append(dict(common, metric="status"))
            continue
        for s in p["sizes"]:
            base = dict(common, frame_size=s["frame_size"])
            for metric in ("mrr", "ndr", "pdr"):
                row = dict(base, metric=metric, unit="pps",
                           **_spread_row(s[metric + "_pps"]))
                r = s["ratios"][metric]
                if r is not None:
                    row.update(ratio=r["median"], ratio_min=r["min"],
                               ratio_max=r["max"])
                rows.append(row)
            if s["generator_pps"] is not None:
                rows.append(dict(base, metric="generator", unit="pps",
                                 **_spread_row(s["generator_pps"])))
            for entry in s["latency"]:
                for p_ in stats.LATENCY_PERCENTILES:
                    key = stats.percentile_key(p_)
                    rows.append(dict(base, metric="latency_" + key,
                                     load=entry["load"], unit="ns",
                                     median=entry[key + "_ns"],
                                     n=entry["samples"]))
            if s.get("cost_us_per_packet") is not None:
                rows.append(dict(base, metric="cost_per_packet", unit="us",
                                 **_spread_row(s["cost_us_per_packet"])))
            for comp, spread in s["cpu_use"].items():
                rows.append(dict(base, metric="cpu_use:" + comp,
                                 unit="cpus", **_spread_row(spread)))
            for comp, spread in s["cycles_per_packet"].items():
                rows.append(dict(base, metric="cycles_per_packet:" + comp,
                                 unit="cycles", **_spread_row(spread)))
    return rows


def to_csv(doc: Doc) -> str:
    """The CSV text, with a header row of :data:`CSV_FIELDS`."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(CSV_FIELDS), restval="",
                       lineterminator="\n")
    w.writeheader()
    for row in csv_rows(doc):
        w.writerow(row)
    return out.getvalue()


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(" --- " for _ in header) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(r) + " |")
    return "\n".join(lines) + "\n"


def _range(spread: Optional[Doc], scale: float = 1e6,
           fmt: str = "%.3f") -> str:
    if spread is None:
        return "-"
    return (fmt + "-" + fmt) % (spread["min"] / scale, spread["max"] / scale)


def _ratio_range(r: Optional[Doc]) -> str:
    if r is None:
        return "-"
    return "%.2f (%.2f-%.2f)" % (r["median"], r["min"], r["max"])


def _gbps(pps: Optional[float], size: int) -> str:
    if pps is None:
        return "-"
    return "%.2f" % (pps * (size + 20) * 8 / 1e9)


def markdown(doc: Doc, charts: Sequence[str] = ()) -> str:
    """The Markdown report; ``charts`` are file names next to it."""
    out: List[str] = []
    for section in _MD_SECTIONS:
        out += section(doc, charts)
    return "\n".join(out)


def _md_head(doc: Doc, charts: Sequence[str]) -> List[str]:
    cfg = doc["config"]
    out = ["# gfp-bench report", ""]
    out.append("- run: %s to %s on %s (%s CPUs)%s%s" % (
        doc["started"], doc["finished"], doc["host"].get("hostname", "?"),
        doc["host"].get("cpus", "?"),
        ", **simulated paths**" if doc["simulated"] else "",
        ", **interrupted: partial figures**" if doc["interrupted"] else ""))
    out.append("- " + doc_guest_line(doc))
    out.append("- suite: %s; paths asked for: %s"
               % (doc.get("suite", "paths"),
                  ", ".join(doc["requested_paths"])))
    out.append("- frame sizes: %s bytes; %d flow(s); %d trials of %g s each"
               % (", ".join(str(s) for s in cfg["sizes"]), cfg["flows"],
                  cfg["trials"], cfg["trial_duration_s"]))
    out.append("- NDR: no loss; PDR: loss <= %g%%; search tolerance %g%% "
               "of the MRR" % (100 * cfg["pdr_loss_ratio"],
                               100 * cfg["tolerance_ratio"]))
    if cfg.get("max_rate_pps"):
        out.append("- offered rate capped at %g frames/s (--max-rate): MRR "
                   "is what came back at that rate" % cfg["max_rate_pps"])
    out.append("- gfp-bench %s, schema %s" % (doc["version"], doc["schema"]))
    out.append("")

    return out


def _md_throughput(doc: Doc, charts: Sequence[str]) -> List[str]:
    cfg = doc["config"]
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## Throughput", "",
            "Medians over the trials, with the range (min-max).  Gb/s on "
            "the wire (L1: each frame plus 20 bytes of preamble and gap) "
            "at the PDR.  CPU us/pkt: what the whole path costs, the CPU "
            "time of every component but the generator per forwarded "
            "frame, at the MRR: the paths compare on it even where the "
            "generator sets the rate.", ""]
    for size in cfg["sizes"]:
        rows = []
        for p in ok:
            for s in p["sizes"]:
                if s["frame_size"] != size:
                    continue
                rows.append([
                    p["name"], _mpps(_median(s["mrr_pps"])),
                    _range(s["mrr_pps"]), _mpps(_median(s["ndr_pps"])),
                    _range(s["ndr_pps"]), _mpps(_median(s["pdr_pps"])),
                    _range(s["pdr_pps"]),
                    _gbps(_median(s["pdr_pps"]), size), _cost(s)])
        out += ["### %d-byte frames" % size, "",
                _md_table(["path", "MRR Mpps", "range", "NDR Mpps", "range",
                           "PDR Mpps", "range", "PDR Gb/s", "CPU us/pkt"],
                          rows)]

    return out


def _md_ratios(doc: Doc, charts: Sequence[str]) -> List[str]:
    cfg = doc["config"]
    base = cfg["baseline"]
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## Ratios against %s" % _against(doc, base), "",
            "Ratio of the medians; in brackets the worst and best cases the "
            "spreads allow (a path's min over the baseline's max, its max "
            "over the baseline's min).", ""]
    rows = [[p["name"], str(s["frame_size"]),
             _ratio_range(s["ratios"]["mrr"]),
             _ratio_range(s["ratios"]["ndr"]),
             _ratio_range(s["ratios"]["pdr"])]
            for p in ok for s in p["sizes"]]
    if not any(r[2] != "-" for r in rows):
        out += ["No ratios: the baseline, %s, was not measured." % base, ""]
    else:
        out += [_md_table(["path", "size", "MRR x", "NDR x", "PDR x"], rows)]

    return out


def _md_latency(doc: Doc, charts: Sequence[str]) -> List[str]:
    cfg = doc["config"]
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## Latency", "",
            "One-way latency at %s of each trial's PDR, percentiles over the "
            "samples of all trials." % ", ".join(
                "%d%%" % (100 * x) for x in cfg["latency_loads"]), ""]
    rows = []
    for p in ok:
        for s in p["sizes"]:
            for e in s["latency"]:
                rows.append([p["name"], str(s["frame_size"]),
                             "%d%%" % (100 * e["load"]),
                             _mpps(_median(e["rate_pps"])),
                             _us(e.get("p50_ns")), _us(e.get("p99_ns")),
                             _us(e.get("p99.9_ns")), str(e["samples"])])
    out += [_md_table(["path", "size", "load", "Mpps", "p50 us", "p99 us",
                       "p99.9 us", "samples"], rows)]

    return out


def _md_cpu(doc: Doc, charts: Sequence[str]) -> List[str]:
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## CPU use and cycles per packet", "",
            "At the maximum load (the MRR trials), from each component's "
            "own counters; CPU use in CPUs (1.0 = one core all the time).",
            ""]
    rows = []
    for p in ok:
        for s in p["sizes"]:
            for comp in s["cycles_per_packet"]:
                cpu = s["cpu_use"].get(comp)
                cpp = s["cycles_per_packet"].get(comp)
                rows.append([p["name"], str(s["frame_size"]), comp,
                             "-" if cpu is None else "%.2f" % cpu["median"],
                             "-" if cpp is None else "%.0f" % cpp["median"]])
    out += [_md_table(["path", "size", "component", "CPU",
                       "cycles/packet"], rows)]

    return out


def _md_seat(doc: Doc, charts: Sequence[str]) -> List[str]:
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## Seat", "",
            "Busy pollers (each takes a whole CPU whatever the load) "
            "against the host's %s CPUs.  Where they outnumber the CPUs, "
            "the scheduler shares them out in time slices: NDR and "
            "latency then measure the sharing more than the code."
            % doc["host"].get("cpus", "?"), ""]
    rows = [[p["name"], str(p["seat"]["busy"]), str(p["seat"]["cpus"]),
             ", ".join(p["seat"]["pollers"]) or "-",
             "**yes**" if p["seat"]["oversubscribed"] else "no"]
            for p in ok if p.get("seat")]
    out += [_md_table(["path", "pollers", "CPUs", "which",
                       "oversubscribed"], rows)]
    out += ["- " + line for line in seat_lines(doc)] + [""]

    return out


def _md_generator(doc: Doc, charts: Sequence[str]) -> List[str]:
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## Generator capacity", "",
            "The generator's own rate, measured in the same run on each "
            "path's seat without the path.  A path whose MRR comes within "
            "10% of it may be measuring the generator.", ""]
    rows = []
    for p in ok:
        for s in p["sizes"]:
            load = s["generator_load"]
            rows.append([p["name"], str(s["frame_size"]),
                         _mpps(_median(s["generator_pps"])),
                         "-" if load is None else "%.0f%%" % (100 * load),
                         "**warning: within 10%**"
                         if s["generator_warning"] else ""])
    out += [_md_table(["path", "size", "generator Mpps", "MRR / generator",
                       ""], rows)]

    return out


def _md_accounting(doc: Doc, charts: Sequence[str]) -> List[str]:
    ok = [p for p in doc["paths"] if p["sizes"]]
    out: List[str] = []
    out += ["## Accounting", "",
            "Frames over all trials: every frame sent was received or "
            "counted as dropped by a hop.", ""]
    rows = []
    for p in ok:
        for s in p["sizes"]:
            a = s["accounting"]
            drops = ", ".join("%s %d" % kv for kv in
                              sorted(s["drops_by_hop"].items())) or "-"
            rows.append([p["name"], str(s["frame_size"]), str(a["sent"]),
                         str(a["received"]), drops, str(a["unaccounted"])])
    out += [_md_table(["path", "size", "sent", "received", "dropped by hop",
                       "unaccounted"], rows)]

    return out


def _md_problems(doc: Doc, charts: Sequence[str]) -> List[str]:
    out: List[str] = []
    problems = list(_problems(doc))
    out += ["## Skipped and failed paths", ""]
    if problems:
        for p in problems:
            out.append("- **%s** (%s): %s: %s" % (
                p["name"], p["description"], p["status"], p["reason"]))
    else:
        out.append("None: every path asked for ran.")
    out.append("")

    warnings = _warnings(doc)
    if warnings:
        out += ["## Warnings and notes", ""]
        out += ["- " + w for w in warnings]
        out.append("")

    return out


def _md_method(doc: Doc, charts: Sequence[str]) -> List[str]:
    cfg = doc["config"]
    out: List[str] = []
    out += ["## Method", "",
            "Each trial offers frames at a fixed rate for %g s and counts "
            "what arrives.  MRR is the rate received at the generator's "
            "maximum offered load.  NDR and PDR come from one binary search "
            "over the offered rate, between %g%% of the maximum and the "
            "maximum, to within %g%% of the MRR, at most %d trials per "
            "criterion, the final rate confirmed by %d trial(s).  Every "
            "measurement alternates across the paths (A B C D A B C D ...), "
            "%d times over, so that a shared machine's drift falls on all "
            "paths alike; the figures are medians with their range.  See "
            "%s." % (cfg["trial_duration_s"], 100 * cfg["floor_ratio"],
                     100 * cfg["tolerance_ratio"], cfg["max_iterations"],
                     cfg["verify"], cfg["trials"], METHOD_DOC), ""]
    return out


def _md_charts(doc: Doc, charts: Sequence[str]) -> List[str]:
    out: List[str] = []
    if charts:
        out += ["## Charts", ""]
        for c in charts:
            if c.endswith(".png"):
                out.append("![%s](%s)" % (os.path.splitext(c)[0], c))
                out.append("")
    return out


_MD_SECTIONS = (_md_head, _md_throughput, _md_ratios, _md_latency, _md_cpu,
                _md_seat, _md_generator, _md_accounting, _md_problems,
                _md_method, _md_charts)


def write_all(doc: Doc, out_dir: str, with_charts: bool = True
              ) -> Dict[str, str]:
    """Writes results.json, results.csv, report.md and (with matplotlib)
    the charts into ``out_dir``; returns {kind: file name}."""
    os.makedirs(out_dir, exist_ok=True)
    written: Dict[str, str] = {}

    def put(name: str, text: str) -> None:
        path = os.path.join(out_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        written[name] = path

    # The data first: a chart that cannot be drawn loses no result.
    put("results.json", to_json(doc))
    put("results.csv", to_csv(doc))
    chart_files: List[str] = []
    chart_error = None
    if with_charts:
        try:
            from . import charts
            chart_files = charts.write_charts(doc, out_dir)
        except ImportError as e:
            chart_error = ("no charts: %s (apt-get install "
                           "python3-matplotlib)" % e)
        for f in chart_files:
            written[os.path.basename(f)] = f
    put("report.md", markdown(doc, [os.path.basename(f)
                                    for f in chart_files]))
    if chart_error:
        written["charts-error"] = chart_error
    return written
