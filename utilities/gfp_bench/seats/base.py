"""What every real path shares: a work directory, a generator, the
processes to pause between turns, and the bookkeeping of a trial.

Drops come from the counters of each hop, read through
:mod:`gfp_bench.counters`, never by difference, so that the report's
"unaccounted" column is a real check.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any, Dict, List, Optional, Sequence

from .. import counters
from ..generator import Generator
from ..paths import Path, TrialResult
from ..tools import (cpu_seconds, find_plugin, find_tool, gone,
                     hugepages_free_mb, signal_pids, softirq_seconds, tail)

PG_MAC0 = "02:00:00:00:00:01"
PG_MAC1 = "02:00:00:00:00:02"
GUEST_MAC0 = "02:00:00:00:01:00"
GUEST_MAC1 = "02:00:00:00:01:01"
GUEST_CPU = 0
HOST_CPU = 1
PMD_MAXSLEEP_US = int(os.environ.get("GFP_BENCH_PMD_MAXSLEEP", "500"))
STRAGGLER_ROUNDS = 3
STRAGGLER_MS = 200
STRAGGLER_QUIET = 3
"""Rounds in a row that bring nothing new end the wait: what is still
missing is not on its way."""
GUEST_KINDS = ("netns", "vm")
"""How a path's guest runs: "netns" (a namespace or a process on
vhost-user ports: the same code as a VM's, none of its cost) or "vm" (a
gfp-pair --guest vm: :mod:`.vm_pair`).  A seat takes the kind's name or
the run's :class:`gfp_bench.guests.GuestChoice`."""

# Hugepage memory, in MB, that each path which passed its prerequisites
# will take: paths are set up at once.
_HUGEPAGES_PROMISED: Dict[str, int] = {}


class RealPath(Path):
    """A real path.  A seat subclass builds it in :meth:`setup`, fills
    ``gen``, ``pids``, ``components``, ``logs``, ``pollers`` and
    ``counters`` (a :class:`gfp_bench.counters.Reader`)."""

    needs_plugin = False
    needs_hugepages_mb = 0
    needs_tools: Sequence[str] = ("gfp-pktgen", "gfp-fwd", "gfp-ctl")
    kernel_switch = False
    straggler_rounds = STRAGGLER_ROUNDS
    """Rounds of STRAGGLER_MS to wait for a trial's frames still on their
    way (a VM under TCG holds thousands in its rings for a second)."""

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int,
                 guest: Any = "netns") -> None:
        kind = getattr(guest, "kind", guest)
        if kind not in GUEST_KINDS:
            raise ValueError("guest kind %r: expected one of %s"
                             % (kind, ", ".join(GUEST_KINDS)))
        self.name = name
        self.description = description
        self.guest = kind
        self.work = os.path.join(workdir, name)
        self.mtu = 9000 if max(sizes) > 1518 else 1500
        self.max_size = max(sizes)
        self.flows = flows
        self.gen: Optional[Generator] = None
        self.pids: List[int] = []       # paused between turns
        self.components: Dict[str, int] = {}   # name -> pid, for CPU use
        self.logs: Dict[str, str] = {}         # name -> its log file
        self.pollers: List[str] = []
        """Components that poll (a busy CPU each while the path runs):
        the seat report counts them against the CPUs."""
        self.plugin: Optional[str] = None
        self.counters: Optional[counters.Reader] = None

    # -- prerequisites --------------------------------------------------
    def prerequisites(self) -> Optional[str]:
        if os.geteuid() != 0:
            return "needs root (network namespaces, OVS-DPDK)"
        for tool in self.needs_tools:
            if not find_tool(tool):
                return "%s not found: build the tree (utilities/gfp-setup)" \
                    % tool
        if self.needs_plugin and not find_plugin():
            return ("no net_pmmap plugin (build it: ./configure finds the "
                    "DPDK source gfp-setup fetches; or set GFP_PMMAP_PLUGIN)")
        if self.needs_hugepages_mb:
            free = hugepages_free_mb() - sum(
                mb for name, mb in _HUGEPAGES_PROMISED.items()
                if name != self.name)
            if free < self.needs_hugepages_mb:
                return ("needs %d MB of free hugepages, %d MB free beside "
                        "the other paths' (echo 2048 > "
                        "/proc/sys/vm/nr_hugepages; mount -t hugetlbfs "
                        "nodev /dev/hugepages)"
                        % (self.needs_hugepages_mb, max(free, 0)))
            _HUGEPAGES_PROMISED[self.name] = self.needs_hugepages_mb
        return None

    # -- turns ----------------------------------------------------------
    def activate(self) -> None:
        signal_pids(self.pids, signal.SIGCONT)
        time.sleep(0.05)

    def deactivate(self) -> None:
        signal_pids(self.pids, signal.SIGSTOP)

    # -- trials ---------------------------------------------------------
    def _check_alive(self) -> None:
        assert self.gen is not None
        for what, pid in dict(self.components,
                              generator=self.gen.pid).items():
            if gone(pid):
                raise RuntimeError("the path's %s (pid %d) is gone%s"
                                   % (what, pid,
                                      ": " + tail(self.logs.get(what))))

    def _read(self, clear: bool = False) -> counters.Snapshot:
        assert self.counters is not None
        return self.counters.read(clear)

    def trial(self, rate_pps: Optional[float], frame_size: int, flows: int,
              duration_s: float) -> TrialResult:
        assert self.gen is not None
        if frame_size > self.max_size:
            raise ValueError("frame size %d beyond the path's %d"
                             % (frame_size, self.max_size))
        self._check_alive()
        pids = dict(self.components, generator=self.gen.pid)
        before = self._read(clear=True)
        cpu0 = {c: cpu_seconds(p) for c, p in pids.items()}
        soft0 = softirq_seconds()
        t0 = time.monotonic()
        pg = self.gen.trial(rate_pps, frame_size, flows, duration_s)
        wall = time.monotonic() - t0
        cpu = {c: (cpu_seconds(p) - cpu0[c]) / wall for c, p in pids.items()}
        if self.kernel_switch:
            cpu["kernel softirq"] = (softirq_seconds() - soft0) / wall
        after = self._read()
        drops = counters.drops(before, after, pg)
        # Frames still on their way when the sink stopped waiting (a
        # forwarder descheduled with a ring of them): wait for them a
        # little longer, counting them into this trial, before calling any
        # frame unaccounted.
        quiet = 0
        for _ in range(self.straggler_rounds):
            if pg["tx_packets"] - pg["rx_ours"] <= sum(drops.values()) \
                    or quiet >= STRAGGLER_QUIET:
                break
            seen = (pg["rx_ours"], sum(drops.values()))
            pg = dict(self.gen.drain(STRAGGLER_MS),
                      tx_seconds=pg["tx_seconds"])
            after = self._read()
            drops = counters.drops(before, after, pg)
            quiet = quiet + 1 if seen == (pg["rx_ours"],
                                          sum(drops.values())) else 0
        return TrialResult(
            rate_pps=rate_pps, frame_size=frame_size, flows=flows,
            duration_s=pg["tx_seconds"] or duration_s,
            sent=pg["tx_packets"], received=pg["rx_ours"],
            drops_by_hop=drops,
            latency_ns=list(pg["latency_ns"].get("cdf", [])),
            cpu_use=cpu,
            cycles_per_packet=counters.cycles(before, after),
            pollers=list(self.pollers))

    def _capacity(self, frame_size: int, flows: int,
                  duration_s: float) -> Optional[float]:
        """One generator trial as fast as it can; what came back, per
        second (the caller has bypassed the path)."""
        assert self.gen is not None
        pg = self.gen.trial(None, frame_size, flows, duration_s)
        return pg["rx_ours"] / pg["tx_seconds"] if pg["tx_seconds"] else None
