"""The generator protocol: one long-lived ``gfp-pktgen --serve`` per
path, which runs a trial per request, so that a trial costs its duration
and not a DPDK start.

Requests, one line each on its stdin: ``trial RATE MS SIZE FLOWS`` (RATE
0: as fast as it can; SIZE without the FCS), ``drain MS`` (count MS more
of what comes back into the last trial), ``quit``.  Answers, one JSON
object a line on its stdout: ``{"ready": true, ...}`` once, then per
request the trial's counters (tx_packets, rx_ours, rx_missed,
tx_seconds, latency_ns) or ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from typing import Optional, Sequence

from .tools import tail

FCS = 4
READY_TIMEOUT = 60.0


class Generator:
    """One ``gfp-pktgen --serve``: started once, a trial per request."""

    def __init__(self, argv: Sequence[str], log: str) -> None:
        self.log = log
        self.logf = open(log, "ab")
        self.proc = subprocess.Popen(list(argv), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self.logf, bufsize=0,
                                     start_new_session=True)
        self.pid = self.proc.pid
        ready = self._read(READY_TIMEOUT)
        if not ready.get("ready"):
            raise RuntimeError("gfp-pktgen did not start: %s" % ready)

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("gfp-pktgen: no answer in %g s: %s"
                                   % (timeout, tail(self.log)))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                b = os.read(self.proc.stdout.fileno(), 65536)
                if not b:
                    raise RuntimeError("gfp-pktgen exited: %s"
                                       % tail(self.log))
                line += b
        return json.loads(line)

    def _ask(self, req: str, timeout: float) -> dict:
        self.proc.stdin.write(req.encode())
        res = self._read(timeout)
        if "error" in res:
            raise RuntimeError("gfp-pktgen: %s" % res["error"])
        return res

    def trial(self, rate_pps: Optional[float], size: int, flows: int,
              duration_s: float) -> dict:
        """Runs one trial of ``size``-byte frames (FCS included); the
        generator's JSON."""
        rate = 0 if rate_pps is None else max(1, int(round(rate_pps)))
        return self._ask("trial %d %d %d %d\n"
                         % (rate, max(1, round(duration_s * 1000)),
                            size - FCS, flows), duration_s + 30.0)

    def drain(self, ms: int) -> dict:
        """Counts ``ms`` ms more of what comes back into the last trial;
        gfp-pktgen's JSON of that trial, updated."""
        return self._ask("drain %d\n" % ms, ms / 1000.0 + 30.0)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
