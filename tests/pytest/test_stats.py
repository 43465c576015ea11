"""Statistics with known data."""

import random

import pytest

from gfp_bench import stats


def test_describe_odd():
    d = stats.describe([5, 1, 4, 2, 3])
    assert (d.n, d.median, d.minimum, d.maximum, d.q1, d.q3) == (
        5, 3, 1, 5, 2, 4)
    assert d.iqr == 2
    assert d.relative_range == pytest.approx(4 / 3)


def test_describe_even():
    d = stats.describe([4, 1, 3, 2])
    assert (d.median, d.q1, d.q3, d.iqr) == (2.5, 1.75, 3.25, 1.5)
    assert d.to_dict() == {"n": 4, "median": 2.5, "min": 1, "max": 4,
                           "q1": 1.75, "q3": 3.25, "iqr": 1.5}


def test_describe_one_and_none():
    d = stats.describe([7.0])
    assert (d.median, d.minimum, d.maximum, d.iqr) == (7.0, 7.0, 7.0, 0.0)
    assert stats.describe([]) is None
    assert stats.describe(iter([2.0, 4.0])).median == 3.0


def test_ratio_propagates_spread():
    path = stats.describe([4.0, 5.0, 6.0])
    base = stats.describe([1.0, 2.0, 2.5])
    r = stats.ratio(path, base)
    assert (r.median, r.low, r.high) == (2.5, 1.6, 6.0)
    assert r.to_dict() == {"median": 2.5, "min": 1.6, "max": 6.0}


def test_ratio_of_nothing():
    one = stats.describe([1.0])
    assert stats.ratio(None, one) is None
    assert stats.ratio(one, None) is None
    assert stats.ratio(one, stats.describe([0.0, 1.0, 2.0])) is None


def test_percentiles_of_1_to_1000():
    samples = list(range(1000, 0, -1))
    assert stats.percentile(samples, 0) == 1
    assert stats.percentile(samples, 100) == 1000
    assert stats.percentile(samples, 50) == pytest.approx(500.5)
    assert stats.latency_percentiles(samples) == {
        "p50": pytest.approx(500.5), "p99": pytest.approx(990.01),
        "p99.9": pytest.approx(999.001)}


def test_percentile_bad_input():
    with pytest.raises(ValueError):
        stats.percentile([], 50)
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)
    assert stats.latency_percentiles([]) == {}


def test_tail_of_a_seeded_distribution():
    rng = random.Random(42)
    samples = [1000.0] * 9990 + [1000.0 + rng.random() for _ in range(10)]
    p = stats.latency_percentiles(samples)
    # p99.9 of 10000 samples sits at position 9989.001: between the last
    # 1000 and the first larger one.
    assert p["p50"] == 1000.0 and p["p99"] == 1000.0
    assert 1000.0 <= p["p99.9"] < 1001.0


def test_cdf_points():
    c = stats.cdf([3.0, 1.0, 2.0])
    assert c[0] == (0.0, 1.0) and c[-1] == (100.0, 3.0)
    assert (50.0, 2.0) in c
    assert [p for p, _ in c] == list(stats.CDF_POINTS)
    assert all(a[1] <= b[1] for a, b in zip(c, c[1:]))
    assert stats.cdf([]) == []


def test_percentile_key():
    assert [stats.percentile_key(p) for p in (50, 99.0, 99.9)] == [
        "p50", "p99", "p99.9"]
