"""A guest application straight on two veths, no switch: gen <-> vfa and
vfb <-> sink in one namespace, the application forwarding vfa -> vfb on
CPU 0, the generator (over net_pmmap) on CPU 1.  The components suite
compares gfp-fwd's PacketMMAP mode with dpdk-testpmd over net_af_packet,
and gfp-fwd's AF_XDP mode with its PacketMMAP mode, in this seat; the
paths sharing it (``seat_key``) take turns on the very same kind of
veths, each with its application started once and paused between turns,
as every path is."""

from __future__ import annotations

import os
import shutil
import socket
from typing import Optional, Sequence

from .. import counters
from ..generator import Generator
from ..tools import copy_plugin, need_tool, run, start, wait_for
from .base import GUEST_CPU
from .bridges import NamespaceSeat, gen_argv, veth

AF_XDP = 44
"""Linux's AF_XDP, which Python's socket module does not name."""


class VethSeat(NamespaceSeat):

    needs_plugin = True

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int, guest: str = "netns",
                 app: str = "gfp-fwd", mode: str = "mmap",
                 fwd_args: Sequence[str] = (), letter: str = "") -> None:
        super().__init__(name, description, workdir, sizes, flows, guest,
                         letter or ("t" if app == "testpmd" else "v"))
        self.app_name = app
        self.mode = mode
        self.fwd_args = list(fwd_args)
        self.ns = "gfpb%sv" % self.tag
        self.ctl = os.path.join(self.work, "fwd.ctl")
        if app == "testpmd":
            self.needs_tools = ("gfp-pktgen", "gfp-ctl")

    def prerequisites(self) -> Optional[str]:
        why = super().prerequisites()
        if not why and self.app_name == "testpmd" and \
                not shutil.which("dpdk-testpmd"):
            why = "dpdk-testpmd not found (apt-get install dpdk)"
        if not why and self.mode == "xdp":
            try:
                socket.socket(AF_XDP, socket.SOCK_RAW).close()
            except OSError as e:
                why = "no AF_XDP sockets in this kernel (%s)" % e
        return why

    def setup(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        self._netns(self.ns)
        for a, b in (("gen", "vfa"), ("vfb", "sink")):
            veth(self.tag, self.mtu, self.ns, a, self.ns, b)
        run(["ip", "netns", "exec", self.ns, "tc", "qdisc", "add", "dev",
             "vfa", "clsact"])
        self.plugin = copy_plugin(self.work)
        self._start_guest()
        self.gen = Generator(gen_argv(self.ns, self.tag, self.plugin,
                                      ("gen", "sink"), self.max_size),
                             os.path.join(self.work, "pktgen.log"))
        self.logs["generator"] = self.gen.log
        self.pids = [self.gen.pid, self.app.pid]
        self.components = {"guest": self.app.pid}
        self.pollers = ["generator", "guest"]
        self.counters = counters.reader(self._spec())
        self.deactivate()

    def _start_guest(self) -> None:
        base = ["ip", "netns", "exec", self.ns, "taskset", "-c",
                str(GUEST_CPU)]
        if self.app_name == "gfp-fwd":
            argv = base + [need_tool("gfp-fwd"), "--", "--mode", self.mode,
                           "--ifaces", "vfa,vfb", "--ctl-socket", self.ctl,
                           "--mtu", str(self.mtu)] + self.fwd_args
            self._start_app(argv, self.ctl)
            return
        argv = base + ["dpdk-testpmd", "--lcores", "0@%d,1@%d"
                       % (GUEST_CPU, GUEST_CPU), "--no-huge", "-m", "512",
                       "--no-pci", "--file-prefix", "gfpb%sg" % self.tag,
                       "--no-telemetry",
                       "--vdev", "net_af_packet0,iface=vfa",
                       "--vdev", "net_af_packet1,iface=vfb", "--",
                       "--forward-mode=io", "--stats-period", "1",
                       "--total-num-mbufs", "32768"]
        log = os.path.join(self.work, "guest.log")
        self.logs["guest"] = log
        self.app = start(argv, log, stdout=True)
        wait_for(lambda: "Port statistics" in open(
            log, errors="replace").read(), "dpdk-testpmd", log, self.app)

    def _spec(self) -> counters.CounterSpec:
        labels = {"kernel:gen": "generator link",
                  "kernel:sink": "generator link",
                  "kernel:vfa": "guest kernel", "kernel:vfb": "guest kernel",
                  "fwd:*": "guest"}
        through = {}
        if self.app_name == "testpmd":
            # Neither testpmd nor DPDK 22.11's net_af_packet counts what
            # its ring drops: the guest's hop is vfa rx - vfb tx.
            through = {"guest (vfa rx - vfb tx)": (
                "rx_packets:kernel:vfa", "tx_packets:kernel:vfb")}
        return counters.CounterSpec(
            netns=(self.ns,),
            fwd_socket=self.ctl if self.app_name == "gfp-fwd" else None,
            labels=labels, through=through,
            fwd_component="guest" if self.app_name == "gfp-fwd" else None)

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        ns = self.ns
        # XDP comes before tc: in AF_XDP mode vfa's program would take
        # every frame from the bypass below, so gfp-fwd goes over to
        # PacketMMAP mode (a live switch) for the measurement.
        other = self.app_name == "gfp-fwd" and self.mode != "mmap"
        if other:
            self._fwd_mode("mmap")
        run(["ip", "netns", "exec", ns, "tc", "filter", "add", "dev", "vfa",
             "ingress", "protocol", "all", "u32", "match", "u32", "0", "0",
             "action", "mirred", "egress", "redirect", "dev", "vfb"])
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            run(["ip", "netns", "exec", ns, "tc", "filter", "del", "dev",
                 "vfa", "ingress"])
            if other:
                self._fwd_mode(self.mode)

    def _fwd_mode(self, mode: str) -> None:
        run([need_tool("gfp-ctl"), "-s", self.ctl, "fwd", "mode", mode])
