"""The results of a gfp-bench run: raw trials per path and frame size, and
their summary as the JSON document every report is drawn from.

The JSON schema ("gfp-bench/1") is documented in
Documentation/topics/gfp-bench-method.rst; :func:`Results.to_dict` is its
only producer.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Tuple

from . import seat, stats
from .config import BenchConfig
from .paths import TrialResult
from .search import SearchOutcome

SCHEMA = "gfp-bench/1"
# A path whose MRR is within this fraction of the generator's capacity
# may be measuring the generator.
GENERATOR_MARGIN = 0.10

STATUS_OK = "ok"
STATUS_SKIPPED = "skipped"
STATUS_FAILED = "failed"
STATUS_INTERRUPTED = "interrupted"


@dataclasses.dataclass
class TrialRecord:
    """One trial and what it was for."""

    repeat: int
    kind: str
    """"mrr", "search" or "latency"."""
    result: TrialResult
    phase: str = ""
    criterion: str = ""
    load: Optional[float] = None
    passed: Dict[str, bool] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        r = self.result
        return {
            "repeat": self.repeat, "kind": self.kind, "phase": self.phase,
            "criterion": self.criterion, "load": self.load,
            "rate_pps": r.rate_pps, "offered_pps": r.offered_pps,
            "duration_s": r.duration_s, "sent": r.sent,
            "received": r.received, "lost": r.lost,
            "loss_ratio": r.loss_ratio, "passed": dict(self.passed),
            "drops_by_hop": dict(r.drops_by_hop),
            "unaccounted": r.unaccounted,
            "cpu_use": dict(r.cpu_use),
            "cycles_per_packet": dict(r.cycles_per_packet),
            "latency_samples": len(r.latency_ns),
        }


@dataclasses.dataclass
class SizeRecord:
    """Everything measured on one path at one frame size."""

    frame_size: int
    trials: List[TrialRecord] = dataclasses.field(default_factory=list)
    searches: List[SearchOutcome] = dataclasses.field(default_factory=list)
    generator_pps: List[float] = dataclasses.field(default_factory=list)
    notes: List[str] = dataclasses.field(default_factory=list)

    def of_kind(self, kind: str) -> List[TrialRecord]:
        """The trials of one kind, in order."""
        return [t for t in self.trials if t.kind == kind]

    def search_rates(self, name: str) -> List[float]:
        """The rates the searches found for criterion ``name``."""
        out = []
        for s in self.searches:
            rate = s.rate(name)
            if rate is not None:
                out.append(rate)
        return out

    def latency_samples(self, load: float) -> List[float]:
        """Latency samples at ``load`` of PDR, pooled over repeats."""
        out: List[float] = []
        for t in self.trials:
            if t.kind == "latency" and t.load == load:
                out.extend(t.result.latency_ns)
        return out


@dataclasses.dataclass
class PathRecord:
    """One path: its status, why it did not run (if so), its sizes."""

    name: str
    description: str
    status: str = STATUS_OK
    reason: Optional[str] = None
    detail: Optional[str] = None
    """A traceback, when the path failed."""
    teardown_error: Optional[str] = None
    """Why tearing the path down failed, if it did."""
    sizes: Dict[int, SizeRecord] = dataclasses.field(default_factory=dict)

    def size(self, frame_size: int) -> SizeRecord:
        """The record for ``frame_size``, made on first use."""
        if frame_size not in self.sizes:
            self.sizes[frame_size] = SizeRecord(frame_size)
        return self.sizes[frame_size]


@dataclasses.dataclass
class Results:
    """One run."""

    config: BenchConfig
    paths: List[PathRecord]
    requested: List[str]
    started: str = ""
    finished: str = ""
    interrupted: bool = False
    simulated: bool = False
    host: Dict[str, Any] = dataclasses.field(default_factory=dict)
    version: str = ""
    suite: str = "paths"
    baselines: Optional[Dict[str, str]] = None
    """Each path's baseline; None: the configuration's, for every path."""
    notes: List[str] = dataclasses.field(default_factory=list)
    """What the run had to say as it went (skips, failures)."""
    guest: Optional[Dict[str, Any]] = None
    """The run's guest (:meth:`gfp_bench.guests.GuestChoice.to_dict`);
    None for simulated paths."""

    def path(self, name: str) -> Optional[PathRecord]:
        """The record of path ``name``, if any."""
        for p in self.paths:
            if p.name == name:
                return p
        return None

    def baseline_of(self, name: str) -> Optional[str]:
        """The path ``name`` is compared with, if any."""
        if self.baselines is None:
            return self.config.baseline
        return self.baselines.get(name)

    def to_dict(self) -> Dict[str, Any]:
        """The summary and the raw trials, as the JSON schema says."""
        cpus = self.host.get("cpus") or 1
        paths = []
        for p in self.paths:
            bname = self.baseline_of(p.name)
            base = self.path(bname) if bname else None
            if base is not None and base.status != STATUS_OK:
                base = None
            sizes = []
            for size in self.config.sizes:
                if size not in p.sizes:
                    continue
                base_rec = base.sizes.get(size) if base else None
                sizes.append(_size_dict(self.config, p.sizes[size],
                                        base_rec, bname == p.name))
            paths.append({"name": p.name, "description": p.description,
                          "status": p.status, "reason": p.reason,
                          "teardown_error": p.teardown_error,
                          "baseline": bname,
                          "seat": seat.describe(_pollers(p), cpus),
                          "sizes": sizes})
        doc = {
            "schema": SCHEMA,
            "tool": "gfp-bench",
            "version": self.version,
            "suite": self.suite,
            "started": self.started,
            "finished": self.finished,
            "interrupted": self.interrupted,
            "simulated": self.simulated,
            "host": dict(self.host),
            "requested_paths": list(self.requested),
            "config": self.config.to_dict(),
            "notes": list(self.notes),
            "paths": paths,
        }
        if self.guest:
            doc["guest"] = dict(self.guest)
        return doc


def _pollers(p: PathRecord) -> List[str]:
    """The pollers the path's trials named."""
    out: List[str] = []
    for rec in p.sizes.values():
        for t in rec.trials:
            for name in t.result.pollers:
                if name not in out:
                    out.append(name)
    return out


def _spread(values: List[float]) -> Optional[Dict[str, float]]:
    d = stats.describe(values)
    return d.to_dict() if d else None


def _size_dict(cfg: BenchConfig, rec: SizeRecord,
               base: Optional[SizeRecord], is_base: bool) -> Dict[str, Any]:
    mrr = [t.result.received_pps for t in rec.of_kind("mrr")]
    figures = {"mrr": stats.describe(mrr),
               "ndr": stats.describe(rec.search_rates("ndr")),
               "pdr": stats.describe(rec.search_rates("pdr"))}
    base_figures: Dict[str, Optional[stats.Spread]] = {}
    if base is not None:
        base_figures = {
            "mrr": stats.describe(
                t.result.received_pps for t in base.of_kind("mrr")),
            "ndr": stats.describe(base.search_rates("ndr")),
            "pdr": stats.describe(base.search_rates("pdr"))}
    ratios: Dict[str, Any] = {}
    for key, fig in figures.items():
        r = stats.ratio(fig, base_figures.get(key)) if base else None
        ratios[key] = r.to_dict() if r else None

    gen = stats.describe(rec.generator_pps)
    gen_load = None
    warning = False
    if gen is not None and figures["mrr"] is not None and gen.median > 0:
        gen_load = figures["mrr"].median / gen.median
        warning = gen_load >= 1.0 - GENERATOR_MARGIN
    notes = list(rec.notes)
    for s in rec.searches:
        for c in s.results.values():
            text = "%s: %s" % (c.name.upper(), c.note)
            if c.note and text not in notes:
                notes.append(text)
    if any(t.result.generator_short for t in rec.trials):
        notes.append("the generator fell short of a requested rate")

    latency = _latency(cfg, rec)

    mrr_trials = [t.result for t in rec.of_kind("mrr")]
    cost = stats.describe(c for c in (_cost_us(r) for r in mrr_trials)
                          if c is not None)
    comps = sorted({c for r in mrr_trials for c in r.cpu_use}
                   | {c for r in mrr_trials for c in r.cycles_per_packet})
    cpu = {c: _spread([r.cpu_use[c] for r in mrr_trials if c in r.cpu_use])
           for c in comps}
    cpp = {c: _spread([r.cycles_per_packet[c] for r in mrr_trials
                       if c in r.cycles_per_packet]) for c in comps}

    drops, acct = _accounting(rec)
    if acct["unaccounted"]:
        notes.append("%d lost frames were counted by no hop"
                     % acct["unaccounted"])

    return {
        "frame_size": rec.frame_size,
        "mrr_pps": figures["mrr"].to_dict() if figures["mrr"] else None,
        "ndr_pps": figures["ndr"].to_dict() if figures["ndr"] else None,
        "pdr_pps": figures["pdr"].to_dict() if figures["pdr"] else None,
        "ratios": ratios,
        "is_baseline": is_base,
        "generator_pps": gen.to_dict() if gen else None,
        "generator_load": gen_load,
        "generator_warning": warning,
        "latency": latency,
        "cpu_use": cpu,
        "cycles_per_packet": cpp,
        "cost_us_per_packet": cost.to_dict() if cost else None,
        "drops_by_hop": drops,
        "accounting": acct,
        "searches": [
            {name: {"rate_pps": c.rate_pps, "converged": c.converged,
                    "trials": c.trials, "note": c.note}
             for name, c in s.results.items()}
            for s in rec.searches],
        "notes": notes,
        "trials": [t.to_dict() for t in rec.trials],
    }


def _cost_us(r: TrialResult) -> Optional[float]:
    """CPU time per forwarded frame, in microseconds, of every component
    of the path but the generator: what the whole path costs, even where
    the generator sets the rate."""
    cpu = sum(v for k, v in r.cpu_use.items() if k != "generator")
    if r.received <= 0 or not r.cpu_use:
        return None
    return cpu * r.duration_s / r.received * 1e6


def _latency(cfg: BenchConfig, rec: SizeRecord) -> List[Dict[str, Any]]:
    """Per load: the rates asked, the percentiles and the CDF."""
    latency = []
    for load in cfg.latency_loads:
        samples = rec.latency_samples(load)
        if not samples:
            continue
        rates = [t.result.rate_pps or 0.0 for t in rec.of_kind("latency")
                 if t.load == load]
        entry: Dict[str, Any] = {"load": load,
                                 "rate_pps": _spread(rates),
                                 "samples": len(samples)}
        for key, value in stats.latency_percentiles(samples).items():
            entry[key + "_ns"] = value
        entry["cdf"] = [[p, v] for p, v in stats.cdf(samples)]
        latency.append(entry)
    return latency


def _accounting(rec: SizeRecord) -> Tuple[Dict[str, int], Dict[str, int]]:
    """Drops by hop and the frames' accounting, over all trials."""
    drops: Dict[str, int] = {}
    acct = {"sent": 0, "received": 0, "dropped": 0, "unaccounted": 0}
    for t in rec.trials:
        r = t.result
        for hop, n in r.drops_by_hop.items():
            drops[hop] = drops.get(hop, 0) + n
        acct["sent"] += r.sent
        acct["received"] += r.received
        acct["dropped"] += sum(r.drops_by_hop.values())
        acct["unaccounted"] += r.unaccounted
    return drops, acct
