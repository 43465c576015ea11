"""pytest set-up for gfp-bench's harness tests: the package is found in
the source tree's utilities/ directory, and a fixed results document is
made from simulated paths with no noise, so its figures are exact."""

import os
import sys
from typing import Any, Dict

import pytest

UTILITIES = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         os.pardir, os.pardir, "utilities")
sys.path.insert(0, os.path.normpath(UTILITIES))

from gfp_bench.config import BenchConfig  # noqa: E402
from gfp_bench.paths import SimulatedPath  # noqa: E402
from gfp_bench.results import Results  # noqa: E402
from gfp_bench.trials import Runner  # noqa: E402

GENERATOR_PPS = 8e6
# Capacities of the fixed run: host-dpdk runs within 10% of the
# generator (7.5 of 8 Mpps), so its report carries the warning.
CAPACITIES = {"vswitch-only": 1e6, "both": 4e6, "host-dpdk": 7.5e6}
FIXED_CONFIG = BenchConfig(sizes=(64, 1518), trials=2, trial_duration_s=1.0,
                           tolerance_ratio=0.03, max_iterations=10)


def fixed_paths():
    """Noiseless knee-curve paths plus one that is unavailable here."""
    paths = [SimulatedPath(name, cap, generator_pps=GENERATOR_PPS, seed=i)
             for i, (name, cap) in enumerate(CAPACITIES.items())]
    paths.append(SimulatedPath("direct", 14e6,
                               unavailable="no SR-IOV VF on this host"))
    return paths


@pytest.fixture
def fixed_results() -> Results:
    """A run of the fixed paths, plus an unknown one, "bogus"."""
    runner = Runner(fixed_paths(), FIXED_CONFIG,
                    unavailable=[("bogus", "?", "unknown path")],
                    requested=["vswitch-only", "both", "host-dpdk", "direct",
                               "bogus"],
                    simulated=True, version="test")
    return runner.run()


@pytest.fixture
def fixed_doc(fixed_results: Results) -> Dict[str, Any]:
    """The JSON document of :func:`fixed_results`."""
    return fixed_results.to_dict()
