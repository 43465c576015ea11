"""The configuration of one gfp-bench run, validated strictly: a bad value
is an error with a message that says what is allowed, never clamped."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, Optional, Tuple

from .paths import BASELINE
from .search import SearchConfig

MIN_FRAME = 64
MAX_FRAME = 1518
JUMBO_FRAME = 9000
MAX_FLOWS = 10_000


def check_frame_size(size: int) -> None:
    """Raises ValueError unless ``size`` is 64..1518 or 9000 bytes."""
    if not (MIN_FRAME <= size <= MAX_FRAME or size == JUMBO_FRAME):
        raise ValueError(
            "frame size %d is impossible: frames are %d to %d bytes, or %d "
            "(jumbo), including the Ethernet header and FCS"
            % (size, MIN_FRAME, MAX_FRAME, JUMBO_FRAME))


def check_flows(flows: int) -> None:
    """Raises ValueError unless ``flows`` is 1..10000."""
    if not 1 <= flows <= MAX_FLOWS:
        raise ValueError("flow count %d outside 1..%d" % (flows, MAX_FLOWS))


@dataclasses.dataclass(frozen=True)
class BenchConfig:
    """What to measure and how.

    Each of ``trials`` repeats measures, for each frame size, on every
    path in turn: the generator's capacity, MRR, NDR and PDR (one shared
    search), and latency at ``latency_loads`` of that repeat's PDR.
    """

    # The defaults are the main job's profile: five paths in about three
    # minutes on a two-core machine, set-up included: three repeats of
    # 64- and 1518-byte frames, some 13 trials of 0.25 s per path, size
    # and repeat (a 10% search resolution, at most 6 trials a criterion).
    sizes: Tuple[int, ...] = (64, 1518)
    flows: int = 1
    trial_duration_s: float = 0.25
    trials: int = 3
    pdr_loss: float = 0.005
    """PDR's loss ratio (0.005 = 0.5%)."""
    tolerance_ratio: float = 0.10
    floor_ratio: float = 0.01
    max_iterations: int = 6
    verify: int = 1
    latency_loads: Tuple[float, ...] = (0.1, 0.5, 0.9)
    baseline: str = BASELINE
    measure_generator: bool = True
    max_rate_pps: Optional[float] = None
    """The highest rate offered (--max-rate): the MRR trial runs at it
    instead of the generator's maximum, and the search stays under it.
    None: no cap."""

    def __post_init__(self) -> None:
        if not self.sizes:
            raise ValueError("no frame sizes")
        for size in self.sizes:
            check_frame_size(size)
        if len(set(self.sizes)) != len(self.sizes):
            raise ValueError("a frame size is given twice")
        check_flows(self.flows)
        if self.trials < 1:
            raise ValueError("trials must be >= 1")
        if not 0.0 < self.pdr_loss < 1.0:
            raise ValueError("PDR loss ratio %r outside (0, 1)"
                             % self.pdr_loss)
        for load in self.latency_loads:
            if not 0.0 < load <= 1.0:
                raise ValueError("latency load %r outside (0, 1]" % load)
        if self.max_rate_pps is not None and self.max_rate_pps <= 0:
            raise ValueError("maximum rate %r must be positive"
                             % self.max_rate_pps)
        # The search checks its own fields.
        self.search_config()

    def search_config(self) -> SearchConfig:
        """The search's part of the configuration."""
        return SearchConfig(duration_s=self.trial_duration_s,
                            tolerance_ratio=self.tolerance_ratio,
                            floor_ratio=self.floor_ratio,
                            max_iterations=self.max_iterations,
                            verify=self.verify)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form."""
        return {
            "sizes": list(self.sizes),
            "flows": self.flows,
            "trial_duration_s": self.trial_duration_s,
            "trials": self.trials,
            "pdr_loss_ratio": self.pdr_loss,
            "tolerance_ratio": self.tolerance_ratio,
            "floor_ratio": self.floor_ratio,
            "max_iterations": self.max_iterations,
            "verify": self.verify,
            "latency_loads": list(self.latency_loads),
            "baseline": self.baseline,
            "measure_generator": self.measure_generator,
            "max_rate_pps": self.max_rate_pps,
        }
