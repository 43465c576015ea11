"""The alternating schedule, progress, and teardown after failures."""

from typing import List, Optional

import pytest

from gfp_bench.config import BenchConfig
from gfp_bench.paths import SimulatedPath, Skip, TrialResult
from gfp_bench.trials import _clock
from gfp_bench.trials import (Job, Progress, Runner, estimate_seconds,
                              schedule)

CFG = BenchConfig(sizes=(64,), trials=2, trial_duration_s=1.0)


class Clock:
    """Time that passes only in trials."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TimedPath(SimulatedPath):
    """A simulated path whose trials take their duration on a fake clock
    and are logged, with the path's name, in a log shared by all paths."""

    def __init__(self, name: str, capacity: float, clock: Clock,
                 log: List[str], **kwargs) -> None:
        super().__init__(name, capacity, generator_pps=8e6, **kwargs)
        self.clock = clock
        self.shared_log = log

    def trial(self, rate_pps: Optional[float], frame_size: int, flows: int,
              duration_s: float) -> TrialResult:
        self.shared_log.append(self.name)
        self.clock.now += duration_s
        return super().trial(rate_pps, frame_size, flows, duration_s)


def make(names, clock=None, log=None, **per_path):
    clock = clock or Clock()
    log = log if log is not None else []
    return [TimedPath(n, 1e6 * (i + 1), clock, log, seed=i,
                      **per_path.get(n, {}))
            for i, n in enumerate(names)], clock, log


def test_schedule_alternates():
    jobs = schedule(["A", "B", "C", "D"], CFG)
    assert len(jobs) == 2 * 1 * 4 * 4
    assert [j.path for j in jobs[:8]] == ["A", "B", "C", "D"] * 2
    assert jobs[:5] == [Job(1, 64, "generator", "A"),
                        Job(1, 64, "generator", "B"),
                        Job(1, 64, "generator", "C"),
                        Job(1, 64, "generator", "D"),
                        Job(1, 64, "mrr", "A")]
    assert [j.kind for j in jobs[::4]] == [
        "generator", "mrr", "search", "latency"] * 2
    assert jobs[-1] == Job(2, 64, "latency", "D")


def test_schedule_without_generator_or_latency():
    cfg = BenchConfig(sizes=(64, 9000), trials=1, measure_generator=False,
                      latency_loads=())
    assert [(j.frame_size, j.kind, j.path) for j in schedule(["A"], cfg)] \
        == [(64, "mrr", "A"), (64, "search", "A"), (9000, "mrr", "A"),
            (9000, "search", "A")]


def test_trials_alternate_on_the_paths():
    paths, _, log = make(["A", "B", "C"])
    res = Runner(paths, CFG).run()
    assert not res.interrupted
    # MRR of repeat 1: one trial each, in turn.
    assert log[:3] == ["A", "B", "C"]
    # Each path's trials come in runs of one job (MRR 1, search n,
    # latency 3) and the runs go A B C A B C ...
    runs = [log[0]]
    for name in log[1:]:
        if name != runs[-1]:
            runs.append(name)
    assert runs == ["A", "B", "C"] * 6
    for p in paths:
        rec = res.path(p.name)
        assert rec.status == "ok"
        size = rec.sizes[64]
        assert len(size.of_kind("mrr")) == 2
        assert len(size.searches) == 2
        assert len(size.of_kind("latency")) == 2 * 3
        assert size.generator_pps == [8e6, 8e6]
        # Knee curve, no noise: NDR and MRR are the capacity.
        assert size.search_rates("ndr") == [p.capacity(64)] * 2
        assert [t.result.received for t in size.of_kind("mrr")] == \
            [p.capacity(64)] * 2
        assert p.events[0] == "setup" and p.events[-1] == "teardown"
        assert p.events.count("teardown") == 1


def test_every_trial_is_inside_activate_deactivate():
    paths, _, _ = make(["A", "B"])
    Runner(paths, CFG).run()
    for p in paths:
        active = False
        for e in p.events:
            if e == "activate":
                assert not active
                active = True
            elif e == "deactivate":
                assert active
                active = False
            elif e in ("trial", "generator_capacity"):
                assert active
        assert not active


def test_progress_and_time_left():
    paths, clock, _ = make(["A", "B"])
    seen: List[Progress] = []
    Runner(paths, CFG, progress=seen.append, clock=clock).run()
    jobs = schedule(["A", "B"], CFG)
    # One per job; a search's trials add lines naming their criterion.
    assert [p.job for p in seen if not p.criterion] == list(
        range(1, len(jobs) + 1))
    assert [(p.path, p.kind, p.repeat) for p in seen if not p.criterion] \
        == [(j.path, j.kind, j.repeat) for j in jobs]
    assert "ndr" in {p.criterion.split()[0] for p in seen if p.criterion}
    assert all(p.jobs == len(jobs) and p.repeats == 2 for p in seen)
    # Before any trial, the estimate is the prior one.
    assert seen[0].left_s == pytest.approx(estimate_seconds(2, CFG))
    assert seen[0].elapsed_s == 0.0
    # The last job, a latency job of 3 trials of 1 s, is estimated from
    # the latency jobs timed so far: 3 s each.
    assert seen[-1].left_s == pytest.approx(3.0)
    assert seen[-1].line() == ("[16/16] B 64B latency, trial 2/2, %s of ~%s"
                               % (_clock(seen[-1].elapsed_s),
                                  _clock(seen[-1].elapsed_s + 3.0)))
    search = next(p for p in seen if p.criterion)
    assert " search ndr start, trial 1/2, " in search.line()
    assert seen[-1].elapsed_s == clock.now - 3.0


def test_trial_failure_tears_down_and_others_run():
    paths, _, _ = make(["A", "B", "C"], B={"fail_on_trial": 3})
    logged: List[str] = []
    res = Runner(paths, CFG, log=logged.append).run()
    a, b, c = paths
    rec = res.path("B")
    assert rec.status == "failed"
    # B's trials: 1 MRR, then the search's first two.
    assert rec.reason == "search, 64B, trial 1: RuntimeError: simulated " \
        "failure"
    assert "Traceback" in rec.detail
    assert any(m.startswith("B: failed: search") for m in logged)
    # Torn down at once, and never touched again.
    assert b.events[-1] == "teardown" and b.events.count("teardown") == 1
    assert b.trials_run == 3 and not b.is_set_up
    for p in (a, c):
        r = res.path(p.name)
        assert r.status == "ok" and len(r.sizes[64].searches) == 2
        assert p.events.count("teardown") == 1 and not p.is_set_up
    # What B measured before failing is kept.
    assert len(rec.sizes[64].of_kind("mrr")) == 1


def test_setup_skip_and_failure():
    paths, _, _ = make(["A", "B", "C", "D"],
                       B={"skip_in_setup": "no hugepages"},
                       C={"fail_in_setup": "boom"},
                       D={"unavailable": "no SR-IOV VF"})
    res = Runner(paths, CFG).run()
    a, b, c, d = paths
    assert (res.path("B").status, res.path("B").reason) == (
        "skipped", "no hugepages")
    assert (res.path("C").status, res.path("C").reason) == (
        "failed", "setup: RuntimeError: boom")
    assert (res.path("D").status, res.path("D").reason) == (
        "skipped", "no SR-IOV VF")
    # A half-built path is torn down; one never set up is not touched.
    assert b.events == ["setup", "teardown"]
    assert c.events == ["setup", "teardown"]
    assert d.events == []
    assert res.path("A").status == "ok" and a.events[-1] == "teardown"
    assert [p.name for p in res.paths] == ["A", "B", "C", "D"]


def test_skip_during_a_trial():
    paths, _, _ = make(["A", "B"], A={
        "fail_on_trial": 2, "failure": lambda: Skip("the bridge vanished")})
    res = Runner(paths, CFG).run()
    assert (res.path("A").status, res.path("A").reason) == (
        "skipped", "the bridge vanished")
    assert res.path("B").status == "ok"
    assert paths[0].events.count("teardown") == 1


def test_ctrl_c_tears_everything_down():
    paths, _, log = make(["A", "B", "C"], B={
        "fail_on_trial": 4, "failure": KeyboardInterrupt})
    logged: List[str] = []
    res = Runner(paths, CFG, log=logged.append).run()
    assert res.interrupted
    assert [p.status for p in res.paths] == ["interrupted"] * 3
    for p in paths:
        assert p.events.count("teardown") == 1 and not p.is_set_up
    # Nothing ran after Ctrl-C: B's fourth trial was the last one.
    assert log[-1] == "B"
    assert "interrupted: tearing every path down" in logged


def test_teardown_error_is_reported_and_others_still_torn_down():
    class BadTeardown(TimedPath):
        def teardown(self) -> None:
            super().teardown()
            raise OSError("ip link del failed")

    clock, log = Clock(), []
    paths = [TimedPath("A", 1e6, clock, log),
             BadTeardown("B", 2e6, clock, log),
             TimedPath("C", 3e6, clock, log)]
    res = Runner(paths, CFG).run()
    assert res.path("B").teardown_error == "OSError: ip link del failed"
    assert all(p.events.count("teardown") == 1 for p in paths)
    assert res.to_dict()["paths"][1]["teardown_error"] == \
        "OSError: ip link del failed"


def test_unavailable_paths_keep_the_requested_order():
    paths, _, _ = make(["both"])
    res = Runner(paths, CFG, unavailable=[("bogus", "?", "unknown path")],
                 requested=["bogus", "both"]).run()
    assert [(p.name, p.status, p.reason) for p in res.paths] == [
        ("bogus", "skipped", "unknown path"), ("both", "ok", None)]


def test_a_path_twice_is_an_error():
    paths, _, _ = make(["A"])
    with pytest.raises(ValueError):
        Runner(paths + paths, CFG)


@pytest.mark.parametrize("kwargs, message", [
    ({"sizes": (63,)}, "frame size 63 is impossible"),
    ({"sizes": (1519,)}, "frame size 1519 is impossible"),
    ({"sizes": (8999,)}, "frame size 8999 is impossible"),
    ({"sizes": ()}, "no frame sizes"),
    ({"sizes": (64, 64)}, "twice"),
    ({"flows": 0}, "flow count 0 outside 1..10000"),
    ({"flows": 10001}, "flow count 10001"),
    ({"trials": 0}, "trials"),
    ({"pdr_loss": 0.0}, "PDR loss"),
    ({"latency_loads": (1.5,)}, "latency load"),
    ({"trial_duration_s": 0.0}, "duration"),
])
def test_bad_config(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BenchConfig(**kwargs)


def test_good_sizes():
    assert BenchConfig(sizes=(64, 1518, 9000), flows=10000).sizes == (
        64, 1518, 9000)


def test_paths_are_set_up_at_once():
    # Each set-up waits for the other two: only set-ups that run at the
    # same time get through the barrier (it breaks after 10 s otherwise).
    import threading
    barrier = threading.Barrier(3, timeout=10)

    class Meeting(TimedPath):
        def setup(self) -> None:
            super().setup()
            barrier.wait()

    clock, log = Clock(), []
    paths = [Meeting(n, 1e6, clock, log, seed=i)
             for i, n in enumerate(["A", "B", "C"])]
    res = Runner(paths, CFG).run()
    assert [p.status for p in res.paths] == ["ok"] * 3
    for p in paths:
        assert p.events.count("teardown") == 1


def test_a_failed_set_up_among_concurrent_ones():
    paths, _, _ = make(["A", "B", "C"], B={"fail_in_setup": "no bridge"},
                       C={"skip_in_setup": "no hugepages"})
    res = Runner(paths, CFG).run()
    assert [(p.status, p.reason) for p in res.paths] == [
        ("ok", None), ("failed", "setup: RuntimeError: no bridge"),
        ("skipped", "no hugepages")]
    for p in paths:
        assert p.events.count("teardown") == 1 and not p.is_set_up
