"""Reports from a fixed results document: JSON, CSV, Markdown, table,
charts; and the command line end to end on simulated paths."""

import csv
import io
import json
import os
import xml.etree.ElementTree as ET

import pytest

from gfp_bench import report
from gfp_bench.__main__ import main

from conftest import CAPACITIES, GENERATOR_PPS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OK_PATHS = list(CAPACITIES)


def size_of(doc, path, frame_size):
    for p in doc["paths"]:
        if p["name"] == path:
            for s in p["sizes"]:
                if s["frame_size"] == frame_size:
                    return s
    raise KeyError((path, frame_size))


def test_json_structure(fixed_doc):
    doc = json.loads(report.to_json(fixed_doc))
    assert doc == fixed_doc
    assert set(doc) == {"schema", "tool", "version", "started", "finished",
                        "interrupted", "simulated", "host", "suite",
                        "requested_paths", "config", "notes", "paths"}
    assert doc["schema"] == "gfp-bench/1"
    assert doc["config"]["sizes"] == [64, 1518]
    assert doc["config"]["pdr_loss_ratio"] == 0.005
    assert [(p["name"], p["status"], p["reason"]) for p in doc["paths"]] == [
        ("vswitch-only", "ok", None), ("both", "ok", None),
        ("host-dpdk", "ok", None),
        ("direct", "skipped", "no SR-IOV VF on this host"),
        ("bogus", "skipped", "unknown path")]
    size_keys = {"frame_size", "mrr_pps", "ndr_pps", "pdr_pps", "ratios",
                 "is_baseline", "generator_pps", "generator_load",
                 "generator_warning", "latency", "cpu_use",
                 "cycles_per_packet", "cost_us_per_packet",
                 "drops_by_hop", "accounting",
                 "searches", "notes", "trials"}
    for p in doc["paths"]:
        if p["status"] != "ok":
            assert p["sizes"] == []
        for s in p["sizes"]:
            assert set(s) == size_keys


@pytest.mark.parametrize("frame_size", [64, 1518])
def test_json_figures_are_exact(fixed_doc, frame_size):
    for name, cap in CAPACITIES.items():
        s = size_of(fixed_doc, name, frame_size)
        # Knee curve, no noise: MRR, NDR and PDR are all the capacity.
        for metric in ("mrr_pps", "ndr_pps", "pdr_pps"):
            assert s[metric] == {"n": 2, "median": cap, "min": cap,
                                 "max": cap, "q1": cap, "q3": cap,
                                 "iqr": 0.0}
        ratio = cap / CAPACITIES["vswitch-only"]
        assert s["ratios"]["mrr"] == {"median": ratio, "min": ratio,
                                      "max": ratio}
        assert s["is_baseline"] == (name == "vswitch-only")
        assert s["generator_pps"]["median"] == GENERATOR_PPS
        assert s["generator_load"] == cap / GENERATOR_PPS
        assert s["generator_warning"] == (name == "host-dpdk")
        assert [e["load"] for e in s["latency"]] == [0.1, 0.5, 0.9]
        for e in s["latency"]:
            assert e["samples"] == 2 * 1000
            assert e["rate_pps"]["median"] == pytest.approx(e["load"] * cap)
            assert e["p50_ns"] <= e["p99_ns"] <= e["p99.9_ns"]
            assert e["cdf"][0][0] == 0.0 and e["cdf"][-1][0] == 100.0
        a = s["accounting"]
        assert a["unaccounted"] == 0
        assert a["sent"] == a["received"] + a["dropped"]
        assert a["dropped"] == s["drops_by_hop"]["guest"]
        assert s["cycles_per_packet"]["gfp-fwd"]["median"] == 100.0
        # Trials: 2 MRR, 2 searches of 2 trials (start, one step up), and
        # 2 x 3 latency trials.
        kinds = [t["kind"] for t in s["trials"]]
        assert kinds.count("mrr") == 2
        assert kinds.count("search") == 4
        assert kinds.count("latency") == 6
        assert s["notes"] == []


def test_csv(fixed_doc):
    text = report.to_csv(fixed_doc)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(report.CSV_FIELDS)
    # Per path and size: mrr, ndr, pdr, generator, 3 loads x 3
    # percentiles, the path's cost, CPU use and cycles per packet of one
    # component.
    assert len(rows) == 3 * 2 * 16 + 2
    both = [r for r in rows if r["path"] == "both" and
            r["frame_size"] == "64"]
    assert [r["metric"] for r in both] == [
        "mrr", "ndr", "pdr", "generator",
        "latency_p50", "latency_p99", "latency_p99.9",
        "latency_p50", "latency_p99", "latency_p99.9",
        "latency_p50", "latency_p99", "latency_p99.9",
        "cost_per_packet", "cpu_use:gfp-fwd", "cycles_per_packet:gfp-fwd"]
    mrr = both[0]
    assert (mrr["unit"], float(mrr["median"]), float(mrr["ratio"]),
            mrr["n"]) == ("pps", 4e6, 4.0, "2")
    assert both[4]["load"] == "0.1" and both[4]["unit"] == "ns"
    skipped = [r for r in rows if r["status"] == "skipped"]
    assert [(r["path"], r["metric"], r["reason"]) for r in skipped] == [
        ("direct", "status", "no SR-IOV VF on this host"),
        ("bogus", "status", "unknown path")]


def test_markdown(fixed_doc):
    md = report.markdown(fixed_doc, ["throughput.png", "throughput.svg"])
    sections = [line for line in md.splitlines() if line.startswith("## ")]
    assert sections == [
        "## Throughput", "## Ratios against vswitch-only", "## Latency",
        "## CPU use and cycles per packet", "## Seat",
        "## Generator capacity",
        "## Accounting", "## Skipped and failed paths",
        "## Warnings and notes", "## Method", "## Charts"]
    assert "### 64-byte frames" in md and "### 1518-byte frames" in md
    assert "- **direct** (direct): skipped: no SR-IOV VF on this host" \
        in md.replace(
            "SR-IOV VF or spare PF (iavf/i40e), no vswitch", "direct")
    assert "- **bogus** (?): skipped: unknown path" in md
    assert "| both | 64 | 4.00 (4.00-4.00) | 4.00 (4.00-4.00) | " \
        "4.00 (4.00-4.00) |" in md
    assert "| host-dpdk | 64 | 8.000 | 94% | **warning: within 10%** |" \
        in md
    assert "![throughput](throughput.png)" in md
    assert "throughput.svg" not in md
    assert "Documentation/topics/gfp-bench-method.rst" in md


def test_table(fixed_doc):
    text = report.table(fixed_doc)
    lines = text.splitlines()
    header = lines[0]
    assert header.split() == ["path", "size", "MRR", "Mpps", "(min-max)",
                              "NDR", "Mpps", "PDR", "Mpps", "us/pkt", "x",
                              "MRR", "x", "PDR", "p99", "us", "gen", "Mpps"]
    data = lines[2:8]
    assert all(len(line) == len(header) for line in data)
    # The cost: one CPU (gfp-fwd at 100 cycles a packet, 2 GHz, 4 Mpps
    # is 0.2 of a CPU) per 4 Mpps: 0.05 us a frame.
    assert data[2].split() == ["both", "64", "4.000", "(4.000-4.000)",
                               "4.000", "4.000", "0.05", "4.00", "4.00",
                               data[2].split()[9], "8.000"]
    assert data[4].split()[-1] == "8.000!"
    assert "direct       skipped: no SR-IOV VF on this host" in lines
    assert "bogus        skipped: unknown path" in lines
    # Warnings are the report's; the table names none of them.
    assert not any(line.startswith("warning:") for line in lines)
    summary = report.summary_line(fixed_doc)
    assert summary.startswith("notes:  ") and \
        "(2 where the generator may be the limit)" in summary
    md = report.markdown(fixed_doc)
    assert "- host-dpdk 64B: MRR is 94% of the generator's capacity" in md


def test_charts(fixed_doc, tmp_path):
    pytest.importorskip("matplotlib")
    from gfp_bench import charts
    files = charts.write_charts(fixed_doc, str(tmp_path))
    assert sorted(os.path.basename(f) for f in files) == [
        "latency-cdf.png", "latency-cdf.svg", "throughput.png",
        "throughput.svg"]
    for f in files:
        if f.endswith(".png"):
            with open(f, "rb") as fh:
                assert fh.read(8) == PNG_MAGIC
        else:
            root = ET.parse(f).getroot()
            assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_write_all(fixed_doc, tmp_path):
    pytest.importorskip("matplotlib")
    files = report.write_all(fixed_doc, str(tmp_path / "out"))
    assert sorted(files) == [
        "latency-cdf.png", "latency-cdf.svg", "report.md", "results.csv",
        "results.json", "throughput.png", "throughput.svg"]
    with open(files["results.json"]) as f:
        assert json.load(f) == fixed_doc
    with open(files["report.md"]) as f:
        md = f.read()
    assert "![latency-cdf](latency-cdf.png)" in md


def test_cli_simulated_run(tmp_path, capsys):
    out = tmp_path / "run"
    rc = main(["--simulate", "--paths", "vswitch-only,both,direct",
               "--sizes", "64", "--trials", "2", "--out", str(out),
               "--no-charts"])
    # A path skipped for a missing prerequisite is no failure.
    assert rc == 0
    stdout, stderr = capsys.readouterr()
    assert "direct       skipped: no SR-IOV VF" in stdout
    assert "report: %s" % (out / "report.md") in stdout
    with open(out / "results.json") as f:
        doc = json.load(f)
    assert doc["simulated"] is True
    assert [p["status"] for p in doc["paths"]] == [
        "ok", "ok", "skipped"]
    assert sorted(os.listdir(out)) == ["report.md", "results.csv",
                                       "results.json"]

    # The saved JSON renders the same table again.
    rc = main(["--from-json", str(out / "results.json"),
               "--out", str(tmp_path / "again"), "--no-charts"])
    assert rc == 0
    again, _ = capsys.readouterr()
    assert again.split("\nreport:")[0] == stdout.split("\nreport:")[0]


def test_cli_all_good_is_status_0(tmp_path, capsys):
    rc = main(["--simulate", "--paths", "vswitch-only,both", "--sizes",
               "64,9000", "--trials", "1", "--flows", "10000", "--out",
               str(tmp_path), "--no-charts"])
    assert rc == 0
    assert "both          9000" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--sizes", "65000"], "frame size 65000 is impossible"),
    (["--sizes", "32,64"], "frame size 32 is impossible"),
    (["--sizes", "64,big"], "is not a comma-separated list"),
    (["--flows", "0"], "an integer from 1 to 10000"),
    (["--flows", "10001"], "an integer from 1 to 10000"),
    (["--trials", "0"], "must be positive"),
    (["--pdr-loss", "100"], "a percentage in (0, 100)"),
    (["--trial-duration", "x"], "is not a number"),
])
def test_cli_bad_options(args, message, capsys):
    with pytest.raises(SystemExit) as e:
        main(["--simulate"] + args)
    assert e.value.code == 2
    assert message in capsys.readouterr().err


KNOWN_PATHS = ("known: vswitch-only, host-dpdk, guest-dpdk, both, "
               "reference, direct")


@pytest.mark.parametrize("paths, message", [
    ("vswitch-only,typo,both", "unknown path 'typo' (%s)" % KNOWN_PATHS),
    ("typo", "unknown path 'typo' (%s)" % KNOWN_PATHS),
    ("both,both", "path 'both' named twice"),
    (",", "no path named (%s)" % KNOWN_PATHS),
])
def test_cli_bad_paths_start_nothing(paths, message, tmp_path, capsys,
                                     monkeypatch):
    # A bad --paths is a usage error before anything starts: no path is
    # made, no report written.  (Without --simulate: a real run would have
    # set up the paths that were known.)
    import gfp_bench.__main__ as cli

    def no_paths(*args, **kwargs):
        raise AssertionError("paths were made for a bad --paths")
    monkeypatch.setattr(cli, "resolve_paths", no_paths)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as e:
        main(["--paths", paths, "--out", str(out)])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "gfp-bench: error: argument --paths: %s\n" % message in err
    assert not out.exists()


def test_cli_paths_that_cannot_be_made_skip_with_reason(tmp_path, capsys,
                                                        monkeypatch):
    # Never the real paths here: they would be built.
    from gfp_bench import registry
    monkeypatch.setattr(registry, "make_paths", lambda names, config, guest: (
        [], [(n, "?", "cannot be made here") for n in names]))
    rc = main(["--paths", "both", "--sizes", "64", "--trials", "1",
               "--out", str(tmp_path), "--no-charts"])
    # Nothing could run: status 1, and the report says why.
    assert rc == 1
    out, err = capsys.readouterr()
    assert "both         skipped: cannot be made here" in out
    assert "no path could run here" in err
    with open(tmp_path / "report.md") as f:
        assert "- **both** (" in f.read()
