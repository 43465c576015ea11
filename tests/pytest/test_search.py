"""NDR/PDR search against simulated devices whose loss curves are known."""

from typing import List

import pytest

from gfp_bench.paths import (SimulatedPath, TrialResult, knee_loss,
                             sporadic_loss)
from gfp_bench.search import (Criterion, SearchConfig, ndr_pdr, search,
                              search_fn)

NDR = [Criterion("ndr", 0.0)]


def mrr(path: SimulatedPath, size: int = 64) -> TrialResult:
    return path.trial(None, size, 1, 1.0)


def test_exact_bisection_sequence():
    # Capacity 1 Mpps, knee curve, between a floor of 0.2 and 1.8 Mpps
    # with a 50 kpps resolution and no start hint: plain bisection.
    path = SimulatedPath("x", 1e6, generator_pps=1.8e6)
    cfg = SearchConfig(floor_pps=2e5, tolerance_pps=5e4)
    out = search(path, 64, 1, 1.8e6, ndr_pdr(), cfg)
    assert [s.rate_pps for s in out.steps] == [
        1.8e6, 1.0e6, 1.4e6, 1.2e6, 1.1e6, 1.05e6]
    assert [s.phase for s in out.steps] == [
        "max", "bisect", "bisect", "bisect", "bisect", "bisect"]
    assert [s.passed["ndr"] for s in out.steps] == [
        False, True, False, False, False, False]
    ndr, pdr = out.results["ndr"], out.results["pdr"]
    assert ndr.rate_pps == 1.0e6 and ndr.converged and ndr.trials == 5
    # PDR (1.005 Mpps here) is bracketed by NDR's trials already.
    assert pdr.rate_pps == 1.0e6 and pdr.converged and pdr.trials == 0
    assert (pdr.lower_pps, pdr.upper_pps) == (1.0e6, 1.05e6)
    assert path.trials_run == 6


def test_start_at_mrr_steps_up_then_bisects():
    path = SimulatedPath("x", 1e6, generator_pps=8e6)
    m = mrr(path)
    assert (m.sent, m.received, m.drops_by_hop) == (
        8_000_000, 1_000_000, {"guest": 7_000_000})
    out = search(path, 64, 1, m.offered_pps, ndr_pdr(),
                 SearchConfig(tolerance_ratio=0.01),
                 start_pps=m.received_pps, max_trial=m)
    assert [(s.phase, s.rate_pps) for s in out.steps] == [
        ("max", 8e6), ("start", 1e6), ("step", 1.01e6)]
    assert out.rate("ndr") == 1e6 and out.rate("pdr") == 1e6
    assert out.tolerance_pps == 1e4
    # The MRR trial is not run again.
    assert path.trials_run == 3


@pytest.mark.parametrize("capacity", [0.3e6, 1e6, 2.5e6, 6.1e6])
@pytest.mark.parametrize("tolerance", [0.02, 0.005])
def test_sporadic_curve_within_tolerance(capacity, tolerance):
    curve = sporadic_loss(0.8, 0.01)
    path = SimulatedPath("x", capacity, loss_curve=curve, generator_pps=8e6)
    true_ndr = 0.8 * capacity
    true_pdr = 0.8 * capacity + 0.2 * capacity * 0.005 / 0.01
    m = mrr(path)
    assert m.received == round(0.99 * capacity)
    out = search(path, 64, 1, m.offered_pps, ndr_pdr(0.005),
                 SearchConfig(tolerance_ratio=tolerance, max_iterations=30),
                 start_pps=m.received_pps, max_trial=m)
    tol = out.tolerance_pps
    assert tol == pytest.approx(tolerance * m.received_pps)
    for name, truth in (("ndr", true_ndr), ("pdr", true_pdr)):
        r = out.results[name]
        assert r.converged, r
        assert truth - tol <= r.rate_pps <= truth + 1.0, (name, r, truth)
    # Every trial agrees with the known curve (one frame of rounding
    # allowed within 2 pps of the PDR).
    for s in out.steps[1:]:
        assert s.passed["ndr"] == (s.rate_pps <= true_ndr)
        if abs(s.rate_pps - true_pdr) > 2:
            assert s.passed["pdr"] == (s.rate_pps < true_pdr)


def test_generator_limited_passes_at_max():
    path = SimulatedPath("x", 20e6, generator_pps=5e6)
    m = mrr(path)
    out = search(path, 64, 1, m.offered_pps, ndr_pdr(), SearchConfig(),
                 start_pps=m.received_pps, max_trial=m)
    assert out.rate("ndr") == 5e6 and out.rate("pdr") == 5e6
    assert "generator" in out.results["ndr"].note
    assert path.trials_run == 1


def test_loss_at_floor_finds_nothing():
    path = SimulatedPath("x", 1e4, generator_pps=8e6)
    out = search(path, 64, 1, 8e6, NDR,
                 SearchConfig(floor_pps=5e4, tolerance_pps=1e5,
                              max_iterations=30))
    r = out.results["ndr"]
    assert r.rate_pps is None and r.converged
    assert "floor" in r.note
    assert out.steps[-1].phase == "floor"
    assert out.steps[-1].rate_pps == 5e4


def test_max_iterations_caps_the_search():
    path = SimulatedPath("x", 1e6, generator_pps=8e6)
    out = search(path, 64, 1, 8e6, NDR,
                 SearchConfig(tolerance_pps=1.0, max_iterations=4))
    r = out.results["ndr"]
    assert not r.converged and r.trials == 4
    assert "stopped after 4 trials" in r.note
    # 1 max trial + 4 probes: 4.04, 2.06, 1.07 (fail), 0.575 (pass) Mpps.
    assert len(out.steps) == 5
    assert r.rate_pps == out.steps[-1].rate_pps == 575_000.0


def test_failed_verification_steps_down():
    # The device is better (1.12 Mpps) for the first five trials, then
    # settles at 1.0 Mpps: the rate found first fails its confirmation,
    # and the search steps down by the tolerance, doubling.
    calls: List[float] = []

    def run(rate: float) -> TrialResult:
        calls.append(rate)
        cap = 1.12e6 if len(calls) <= 5 else 1.0e6
        sent = int(rate)
        lost = 0 if rate <= cap else sent - int(cap)
        return TrialResult(rate, 64, 1, 1.0, sent, sent - lost,
                           {"guest": lost})

    out = search_fn(run, 1.8e6, NDR,
                    SearchConfig(floor_pps=2e5, tolerance_pps=5e4, verify=2,
                                 max_iterations=30))
    assert calls == [1.8e6, 1.0e6, 1.4e6, 1.2e6, 1.1e6, 1.15e6, 1.1e6,
                     1.05e6, 1.0e6, 1.0e6]
    assert [s.phase for s in out.steps][6:] == [
        "verify", "bisect", "bisect", "verify"]
    assert out.rate("ndr") == 1.0e6
    assert out.results["ndr"].converged


def test_noise_verified_and_reproducible():
    def run_once():
        path = SimulatedPath("x", 1e6, loss_curve=sporadic_loss(0.8, 0.01),
                             generator_pps=8e6, noise=0.01, seed=7)
        m = mrr(path)
        return search(path, 64, 1, m.offered_pps, ndr_pdr(),
                      SearchConfig(tolerance_ratio=0.01, verify=3,
                                   max_iterations=40),
                      start_pps=m.received_pps, max_trial=m)

    a, b = run_once(), run_once()
    assert [(s.phase, s.rate_pps, s.result.received) for s in a.steps] == \
        [(s.phase, s.rate_pps, s.result.received) for s in b.steps]
    for name, truth in (("ndr", 0.8e6), ("pdr", 0.9e6)):
        r = a.results[name]
        assert r.converged
        # Three trials at the rate found passed, the last one among them.
        at_rate = [s for s in a.steps if s.rate_pps == r.rate_pps]
        assert sum(s.passed[name] for s in at_rate) >= 3
        assert at_rate[-1].passed[name]
        # Within the tolerance plus four standard deviations of the noise.
        assert abs(r.rate_pps - truth) <= a.tolerance_pps + 0.04 * truth


def test_knee_and_sporadic_curves():
    assert knee_loss(1e6, 1e6) == 0.0
    assert knee_loss(2e6, 1e6) == 0.5
    curve = sporadic_loss(0.8, 0.01)
    assert curve(0.8e6, 1e6) == 0.0
    assert curve(0.9e6, 1e6) == pytest.approx(0.005)
    assert curve(1e6, 1e6) == pytest.approx(0.01)
    assert curve(2e6, 1e6) == pytest.approx(1 - 0.99 / 2)


@pytest.mark.parametrize("kwargs", [
    {"duration_s": 0}, {"tolerance_ratio": 0}, {"tolerance_ratio": 1},
    {"tolerance_pps": -1}, {"floor_ratio": 0}, {"floor_pps": 0},
    {"max_iterations": 0}, {"verify": 0}])
def test_bad_search_config(kwargs):
    with pytest.raises(ValueError):
        SearchConfig(**kwargs)


def test_bad_criterion():
    with pytest.raises(ValueError):
        Criterion("x", 1.0)
    with pytest.raises(ValueError):
        search_fn(lambda r: None, 0.0, NDR, SearchConfig())
