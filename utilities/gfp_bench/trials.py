"""The trial schedule: every measurement alternates across the paths.

For each repeat, each frame size and each kind of measurement (the
generator's capacity, MRR, the NDR/PDR search, latency), every path takes
its turn before any path takes the next: A B C D A B C D ...  Slow drift
of a shared machine (another engineer's build, thermal throttling) then
falls on all paths alike, and the ratios between paths stay honest.

The runner sets every path up first, tears every path that it set up
down at the end whatever happens (a failure, Ctrl-C), marks a path that
cannot run as skipped with the reason and one that fails as failed with
the reason, and goes on with the others.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime
import math
import os
import time
import traceback
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .config import BenchConfig
from .paths import Path, Skip, TrialResult
from .results import (PathRecord, Results, STATUS_FAILED, STATUS_INTERRUPTED,
                      STATUS_OK, STATUS_SKIPPED, TrialRecord)
from .search import SearchOutcome, ndr_pdr, search

KIND_GENERATOR = "generator"
KIND_MRR = "mrr"
KIND_SEARCH = "search"
KIND_LATENCY = "latency"
KINDS: Tuple[str, ...] = (KIND_GENERATOR, KIND_MRR, KIND_SEARCH,
                          KIND_LATENCY)
# Set-up, start and stop of generator and sink around a trial, on top of
# the trial itself, before any trial has been timed.
OVERHEAD = 1.2


@dataclasses.dataclass(frozen=True)
class Job:
    """One measurement of one path: a turn in the alternation."""

    repeat: int
    frame_size: int
    kind: str
    path: str


def schedule(paths: Sequence[str], config: BenchConfig) -> List[Job]:
    """The jobs of a run, in the order they run."""
    kinds = [k for k in KINDS
             if (k != KIND_GENERATOR or config.measure_generator)
             and (k != KIND_LATENCY or config.latency_loads)]
    return [Job(repeat, size, kind, name)
            for repeat in range(1, config.trials + 1)
            for size in config.sizes
            for kind in kinds
            for name in paths]


def expected_trials(kind: str, config: BenchConfig) -> float:
    """About how many trials a job of ``kind`` takes (for the estimate of
    the time left before any has been timed)."""
    if kind == KIND_SEARCH:
        # Stepping to a bracket and bisecting it for NDR, a few more for
        # PDR, and the confirmations: what simulated devices take.
        per = math.ceil(math.log2(1.0 / config.tolerance_ratio))
        return per + config.verify + 4
    if kind == KIND_LATENCY:
        return float(len(config.latency_loads))
    return 1.0


def estimate_seconds(n_paths: int, config: BenchConfig) -> float:
    """About how long a run of ``n_paths`` paths takes."""
    return sum(expected_trials(job.kind, config) * config.trial_duration_s
               * OVERHEAD
               for job in schedule(["p"] * n_paths, config))


@dataclasses.dataclass(frozen=True)
class Progress:
    """Where a run is, for the live progress line."""

    path: str
    kind: str
    frame_size: int
    repeat: int
    repeats: int
    job: int
    jobs: int
    elapsed_s: float
    left_s: float
    criterion: str = ""
    """In a search: the criterion ("ndr", "pdr") and the search's phase."""

    def line(self) -> str:
        """One line: "[ 7/48] both 64B search ndr bisect, trial 1/3,
        0:12 of ~2:06"."""
        width = len(str(self.jobs))
        what = self.kind + (" " + self.criterion if self.criterion else "")
        return ("[%*d/%d] %s %dB %s, trial %d/%d, %s of ~%s"
                % (width, self.job, self.jobs, self.path, self.frame_size,
                   what, self.repeat, self.repeats, _clock(self.elapsed_s),
                   _clock(self.elapsed_s + self.left_s)))


def _clock(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    return "%d:%02d" % (s // 60, s % 60)


ProgressFn = Callable[[Progress], None]
LogFn = Callable[[str], None]


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds")


class Runner:
    """Runs a schedule over paths and collects the results.

    ``unavailable`` names paths that could not even be made, with the
    reason; they are reported as skipped.  ``progress`` is called before
    each job and each trial of a search; every event worth telling (a
    skip, a failure) goes into the results' notes and to ``log``;
    ``baselines`` says which path each one is compared with (default:
    the configuration's baseline for all); ``clock`` is injectable for
    the tests.
    """

    def __init__(self, paths: Sequence[Path], config: BenchConfig, *,
                 unavailable: Sequence[Tuple[str, str, str]] = (),
                 requested: Optional[Sequence[str]] = None,
                 progress: Optional[ProgressFn] = None,
                 log: Optional[LogFn] = None,
                 clock: Callable[[], float] = time.monotonic,
                 simulated: bool = False, version: str = "",
                 baselines: Optional[Dict[str, str]] = None,
                 suite: str = "paths",
                 guest: Optional[Dict[str, object]] = None) -> None:
        names = [p.name for p in paths] + [u[0] for u in unavailable]
        if len(set(names)) != len(names):
            raise ValueError("a path is given twice")
        self.paths = list(paths)
        self.config = config
        self.unavailable = list(unavailable)
        self.requested = list(requested) if requested else names
        self.progress = progress
        self._log = log or (lambda msg: None)
        self.notes: List[str] = []
        self.baselines = baselines
        self.suite = suite
        self.guest = guest
        self.clock = clock
        self.simulated = simulated
        self.version = version
        self._set_up: List[Path] = []
        self._records: Dict[str, PathRecord] = {}
        self._mrr: Dict[Tuple[str, int], TrialResult] = {}
        self._search: Dict[Tuple[str, int], SearchOutcome] = {}
        self._where: Optional[Progress] = None
        self._t0 = 0.0

    def log(self, msg: str) -> None:
        """A note of the run: into the report, and to ``log``."""
        self.notes.append(msg)
        self._log(msg)

    def run(self) -> Results:
        """Runs everything; returns the results, marked interrupted if
        Ctrl-C stopped the run (every path is torn down either way)."""
        cfg = self.config
        for p in self.paths:
            self._records[p.name] = PathRecord(p.name, p.description)
        for name, desc, reason in self.unavailable:
            self._records[name] = PathRecord(name, desc, STATUS_SKIPPED,
                                             reason)
            self.log("%s: skipped: %s" % (name, reason))
        results = Results(config=cfg, paths=[], requested=self.requested,
                          started=_now(), simulated=self.simulated,
                          host={"hostname": os.uname().nodename,
                                "cpus": os.cpu_count()},
                          version=self.version, suite=self.suite,
                          baselines=self.baselines, notes=self.notes,
                          guest=self.guest)
        try:
            self._setup_all()
            self._run_jobs()
        except KeyboardInterrupt:
            results.interrupted = True
            self.log("interrupted: tearing every path down")
            for rec in self._records.values():
                if rec.status == STATUS_OK:
                    rec.status = STATUS_INTERRUPTED
                    rec.reason = "interrupted (Ctrl-C) before the end"
        finally:
            for p in reversed(list(self._set_up)):
                self._teardown(p)
        results.finished = _now()
        order = {n: i for i, n in enumerate(self.requested)}
        results.paths = sorted(self._records.values(),
                               key=lambda r: order.get(r.name, len(order)))
        return results

    def _setup_all(self) -> None:
        """Checks every path's prerequisites in turn (a path may count
        what the ones before it took, hugepages say), then sets up those
        that can run all at once: a path's set-up is mostly waiting (a
        switch, a guest, a generator starting), and sets of paths add up.
        Every path is registered for teardown before its set-up starts;
        Ctrl-C waits for the set-ups under way, so that no half-built
        path escapes the teardown."""
        ready: List[Path] = []
        for p in self.paths:
            reason = p.prerequisites()
            if reason:
                rec = self._records[p.name]
                rec.status, rec.reason = STATUS_SKIPPED, reason
                self.log("%s: skipped: %s" % (p.name, reason))
            else:
                ready.append(p)
                self._set_up.append(p)
        if len(ready) <= 1:
            for p in ready:
                self._finish_setup(p, self._try_setup(p))
            return
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(ready))
        futures = [(p, pool.submit(self._try_setup, p)) for p in ready]
        try:
            for p, f in futures:
                self._finish_setup(p, f.result())
        finally:
            pool.shutdown(wait=True)

    @staticmethod
    def _try_setup(p: Path):
        """Sets ``p`` up; None, or (status, reason, detail) on failure."""
        try:
            p.setup()
        except Skip as e:
            return STATUS_SKIPPED, e.reason, None
        except Exception as e:
            return (STATUS_FAILED, "setup: %s" % _why(e),
                    traceback.format_exc())
        return None

    def _finish_setup(self, p: Path, failure) -> None:
        if failure:
            self._stop(p, *failure)

    def _stop(self, p: Path, status: str, reason: str,
              detail: Optional[str] = None) -> None:
        """Marks ``p`` and tears it down; the run goes on without it."""
        rec = self._records[p.name]
        rec.status, rec.reason, rec.detail = status, reason, detail
        self.log("%s: %s: %s" % (p.name, status, reason))
        self._teardown(p)

    def _teardown(self, p: Path) -> None:
        if p not in self._set_up:
            return
        self._set_up.remove(p)
        rec = self._records[p.name]
        try:
            p.teardown()
        except KeyboardInterrupt:
            self.log("%s: Ctrl-C during teardown: going on so that nothing "
                     "is left behind" % p.name)
            rec.teardown_error = "interrupted"
        except Exception as e:
            rec.teardown_error = _why(e)
            self.log("%s: teardown: %s" % (p.name, _why(e)))

    def _active(self) -> List[Path]:
        return [p for p in self.paths if p in self._set_up
                and self._records[p.name].status == STATUS_OK]

    def _run_jobs(self) -> None:
        cfg = self.config
        jobs = schedule([p.name for p in self._active()], cfg)
        by_name = {p.name: p for p in self.paths}
        spent: Dict[str, List[float]] = {}
        start = self._t0 = self.clock()
        for i, job in enumerate(jobs):
            p = by_name[job.path]
            if self._records[p.name].status != STATUS_OK:
                continue
            if self.progress is not None:
                left = sum(self._job_estimate(j.kind, spent)
                           for j in jobs[i:]
                           if self._records[j.path].status == STATUS_OK)
                self._where = Progress(
                    path=job.path, kind=job.kind, frame_size=job.frame_size,
                    repeat=job.repeat, repeats=cfg.trials, job=i + 1,
                    jobs=len(jobs), elapsed_s=self.clock() - start,
                    left_s=left)
                self.progress(self._where)
            t0 = self.clock()
            try:
                p.activate()
                try:
                    self._run_job(p, job)
                finally:
                    p.deactivate()
            except Skip as e:
                self._stop(p, STATUS_SKIPPED, e.reason)
            except Exception as e:
                self._stop(p, STATUS_FAILED, "%s, %dB, trial %d: %s"
                           % (job.kind, job.frame_size, job.repeat, _why(e)),
                           traceback.format_exc())
            spent.setdefault(job.kind, []).append(self.clock() - t0)

    def _job_estimate(self, kind: str, spent: Dict[str, List[float]]
                      ) -> float:
        times = spent.get(kind)
        if times:
            return sum(times) / len(times)
        return (expected_trials(kind, self.config)
                * self.config.trial_duration_s * OVERHEAD)

    def _observe(self, criterion: str, phase: str) -> None:
        """The search's next trial: the progress line names it."""
        w = self._where
        if self.progress is None or w is None:
            return
        spent = self.clock() - self._t0 - w.elapsed_s
        self.progress(dataclasses.replace(
            w, criterion="%s %s" % (criterion, phase),
            elapsed_s=w.elapsed_s + spent, left_s=max(0.0, w.left_s - spent)))

    def _run_job(self, p: Path, job: Job) -> None:
        cfg = self.config
        rec = self._records[p.name].size(job.frame_size)
        key = (p.name, job.frame_size)
        dur = cfg.trial_duration_s
        if job.kind == KIND_GENERATOR:
            cap = p.generator_capacity(job.frame_size, cfg.flows, dur)
            if cap is not None:
                rec.generator_pps.append(cap)
        elif job.kind == KIND_MRR:
            res = p.trial(cfg.max_rate_pps, job.frame_size, cfg.flows, dur)
            rec.trials.append(TrialRecord(job.repeat, KIND_MRR, res))
            self._mrr[key] = res
            self._search.pop(key, None)
        elif job.kind == KIND_SEARCH:
            mrr = self._mrr.get(key)
            if mrr is None or mrr.sent == 0:
                rec.notes.append("trial %d: no MRR to search under"
                                 % job.repeat)
                return
            outcome = search(p, job.frame_size, cfg.flows, mrr.offered_pps,
                             ndr_pdr(cfg.pdr_loss), cfg.search_config(),
                             start_pps=mrr.received_pps, max_trial=mrr,
                             observe=self._observe)
            for step in outcome.steps:
                if step.phase == "max":
                    continue  # the MRR trial, recorded already
                rec.trials.append(TrialRecord(
                    job.repeat, KIND_SEARCH, step.result, step.phase,
                    step.criterion, passed=step.passed))
            rec.searches.append(outcome)
            self._search[key] = outcome
        elif job.kind == KIND_LATENCY:
            outcome = self._search.get(key)
            pdr = outcome.rate("pdr") if outcome else None
            if not pdr:
                rec.notes.append("trial %d: no PDR to measure latency at"
                                 % job.repeat)
                return
            for load in cfg.latency_loads:
                res = p.trial(load * pdr, job.frame_size, cfg.flows, dur)
                rec.trials.append(TrialRecord(job.repeat, KIND_LATENCY, res,
                                              load=load))
        else:
            raise ValueError("unknown job kind %r" % job.kind)


def _why(e: BaseException) -> str:
    text = str(e)
    return "%s: %s" % (type(e).__name__, text) if text else type(e).__name__


def run_bench(paths: Sequence[Path], config: BenchConfig,
              **kwargs: object) -> Results:
    """Shorthand for ``Runner(paths, config, **kwargs).run()``."""
    return Runner(paths, config, **kwargs).run()  # type: ignore[arg-type]
