"""Statistics for gfp-bench: medians and spread, ratios, percentiles.

Percentiles interpolate linearly between order statistics (numpy's
default, "type 7"), so quartiles and latency percentiles agree with what
numpy or a spreadsheet would give for the same samples.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

LATENCY_PERCENTILES: Tuple[float, ...] = (50.0, 99.0, 99.9)
# Where the latency CDF is sampled for the JSON and the charts: every
# percent, and more points in the tail.
CDF_POINTS: Tuple[float, ...] = tuple(float(p) for p in range(100)) + (
    99.5, 99.9, 99.95, 99.99, 100.0)


def percentile(samples: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0..100) of ``samples``, interpolated
    linearly between the two nearest order statistics."""
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0.0 <= p <= 100.0:
        raise ValueError("percentile %r outside 0..100" % p)
    s = sorted(samples)
    return _sorted_percentile(s, p)


def _sorted_percentile(s: Sequence[float], p: float) -> float:
    pos = (len(s) - 1) * p / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    frac = pos - lo
    return s[lo] + (s[hi] - s[lo]) * frac


@dataclasses.dataclass(frozen=True)
class Spread:
    """The median of a few values and how far they spread."""

    n: int
    median: float
    minimum: float
    maximum: float
    q1: float
    q3: float

    @property
    def iqr(self) -> float:
        """Interquartile range, q3 - q1."""
        return self.q3 - self.q1

    @property
    def relative_range(self) -> float:
        """(max - min) / median; 0 if the median is 0."""
        if self.median == 0:
            return 0.0
        return (self.maximum - self.minimum) / self.median

    def to_dict(self) -> Dict[str, float]:
        """The JSON form."""
        return {"n": self.n, "median": self.median, "min": self.minimum,
                "max": self.maximum, "q1": self.q1, "q3": self.q3,
                "iqr": self.iqr}


def describe(values: Iterable[float]) -> Optional[Spread]:
    """Median, min, max and quartiles of ``values``; None if empty."""
    s = sorted(values)
    if not s:
        return None
    return Spread(n=len(s), median=_sorted_percentile(s, 50.0),
                  minimum=s[0], maximum=s[-1],
                  q1=_sorted_percentile(s, 25.0),
                  q3=_sorted_percentile(s, 75.0))


@dataclasses.dataclass(frozen=True)
class Ratio:
    """A path's figure over the baseline's: the ratio of the medians, and
    the worst and best cases the spreads allow (min over max, max over
    min)."""

    median: float
    low: float
    high: float

    def to_dict(self) -> Dict[str, float]:
        """The JSON form."""
        return {"median": self.median, "min": self.low, "max": self.high}


def ratio(path: Optional[Spread],
          baseline: Optional[Spread]) -> Optional[Ratio]:
    """``path`` over ``baseline`` with the spread propagated; None if
    either is missing or the baseline could be 0."""
    if path is None or baseline is None:
        return None
    if baseline.median <= 0 or baseline.minimum <= 0:
        return None
    return Ratio(median=path.median / baseline.median,
                 low=path.minimum / baseline.maximum,
                 high=path.maximum / baseline.minimum)


def latency_percentiles(samples: Sequence[float],
                        ps: Sequence[float] = LATENCY_PERCENTILES
                        ) -> Dict[str, float]:
    """Latency percentiles keyed "p50", "p99", "p99.9"."""
    s = sorted(samples)
    if not s:
        return {}
    return {percentile_key(p): _sorted_percentile(s, p) for p in ps}


def percentile_key(p: float) -> str:
    """50 -> "p50", 99.9 -> "p99.9"."""
    return "p%g" % p


def cdf(samples: Sequence[float],
        points: Sequence[float] = CDF_POINTS) -> List[Tuple[float, float]]:
    """The empirical CDF as (percentile, value) pairs at ``points``."""
    s = sorted(samples)
    if not s:
        return []
    return [(p, _sorted_percentile(s, p)) for p in points]
