"""A guest application straight on two veths, no switch: gen <-> vfa and
vfb <-> sink in one namespace, the application forwarding vfa -> vfb on
CPU 0, the generator (over net_pmmap) on CPU 1.  The components suite
compares gfp-fwd's PacketMMAP mode with dpdk-testpmd over net_af_packet
in this seat; the paths sharing it (``seat_key``) take turns on the very
same kind of veths, each with its application started once and paused
between turns, as every path is."""

from __future__ import annotations

import os
import shutil
from typing import Optional, Sequence

from .. import counters
from ..generator import Generator
from ..tools import copy_plugin, need_tool, run, start, wait_for
from .base import GUEST_CPU
from .bridges import NamespaceSeat, gen_argv, veth


class VethSeat(NamespaceSeat):

    needs_plugin = True

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int, guest: str = "standin",
                 app: str = "gfp-fwd") -> None:
        super().__init__(name, description, workdir, sizes, flows, guest,
                         "v" if app == "gfp-fwd" else "t")
        self.app_name = app
        self.ns = "gfpb%sv" % self.tag
        self.ctl = os.path.join(self.work, "fwd.ctl")
        if app == "testpmd":
            self.needs_tools = ("gfp-pktgen", "gfp-ctl")

    def prerequisites(self) -> Optional[str]:
        why = super().prerequisites()
        if not why and self.app_name == "testpmd" and \
                not shutil.which("dpdk-testpmd"):
            why = "dpdk-testpmd not found (apt-get install dpdk)"
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
            argv = base + [need_tool("gfp-fwd"), "--", "--mode", "mmap",
                           "--ifaces", "vfa,vfb", "--ctl-socket", self.ctl,
                           "--mtu", str(self.mtu)]
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
        run(["ip", "netns", "exec", ns, "tc", "filter", "add", "dev", "vfa",
             "ingress", "protocol", "all", "u32", "match", "u32", "0", "0",
             "action", "mirred", "egress", "redirect", "dev", "vfb"])
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            run(["ip", "netns", "exec", ns, "tc", "filter", "del", "dev",
                 "vfa", "ingress"])
