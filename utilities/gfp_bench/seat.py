"""The seat of a path: how many busy pollers it runs against how many
CPUs, and what that does to its figures.

A poller (a DPDK PMD thread, gfp-fwd's DPDK worker, testpmd, the
generator) takes a whole CPU whatever the load.  When a path runs more
pollers than the host has CPUs, they take turns on the CPUs in the
scheduler's time slices (milliseconds): a poller that is off its CPU
drops what arrives in its rings meanwhile, so NDR is set by the
scheduler, not by the code, and latency grows to the length of a slice.
The report says so, with the counts, instead of leaving the reader to
wonder why a DPDK path's NDR is low and its p99 in milliseconds.
"""

from __future__ import annotations

from typing import Any, Dict, Sequence


def describe(pollers: Sequence[str], cpus: int) -> Dict[str, Any]:
    """The seat as the JSON document keeps it: the pollers, the CPUs,
    whether they are oversubscribed and what that means."""
    n = len(pollers)
    cpus = max(1, int(cpus))
    over = n > cpus
    if not n:
        what = "no poller counted (a path that did not run)"
    elif over:
        what = ("%d busy pollers (%s) share %d CPU(s): each has about "
                "%.0f%% of one; a poller off its CPU drops what its rings "
                "cannot hold meanwhile, so NDR is set by the scheduler's "
                "time slices, and latency reaches their length "
                "(milliseconds)" % (n, ", ".join(pollers), cpus,
                                    100.0 * cpus / n))
    else:
        what = ("%d busy poller(s) (%s) on %d CPU(s): each can have a CPU "
                "of its own" % (n, ", ".join(pollers), cpus))
    return {"pollers": list(pollers), "busy": n, "cpus": cpus,
            "oversubscribed": over, "note": what}
