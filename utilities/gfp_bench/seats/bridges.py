"""A kernel-switched seat: two Linux bridges in a host namespace (gen <->
eth0 and eth1 <-> sink), the guest a namespace whose eth0/eth1 are veth
peers of the bridges' ports, gfp-fwd in it in PacketMMAP mode or in DPDK
mode over a kernel-interface PMD.  The generator sends over net_pmmap on
veths (net_af_packet without the plugin)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from typing import List, Optional, Sequence

from .. import counters
from ..generator import FCS, Generator
from ..paths import Skip
from ..tools import copy_plugin, eal_clean, need_tool, run, signal_pids
from ..tools import start, stop, wait_for
from .base import (GUEST_CPU, GUEST_MAC0, GUEST_MAC1, HOST_CPU, PG_MAC0,
                   RealPath)

GUEST_PMD = "net_af_packet"
"""The guest's PMD in DPDK mode.  net_af_packet works on any kernel
interface (a VM's virtio-net, a veth), needs no hugepages, no BPF program
and no XDP support in the driver; net_af_xdp on a veth runs in generic
(copy) mode, where it has no edge, and needs libxdp's program loaded per
interface.  So net_af_packet is the PMD a guest without a device to bind
actually uses."""

HOST_IFACES = ("hgen", "bra", "hg0", "hg1", "brb", "hsink")


def veth(tag: str, mtu: int, ns_a: str, a: str, ns_b: str, b: str) -> None:
    """A veth pair from ``ns_a``:``a`` to ``ns_b``:``b``, up, no IPv6;
    made under names of its own, renamed inside the namespaces (the host
    may have interfaces called like ours)."""
    ta, tb = "gb%sa" % tag, "gb%sb" % tag
    run(["ip", "link", "add", ta, "type", "veth", "peer", "name", tb])
    for ns, tmp, final in ((ns_a, ta, a), (ns_b, tb, b)):
        run(["ip", "link", "set", tmp, "netns", ns])
        run(["ip", "-n", ns, "link", "set", tmp, "name", final])
        run(["ip", "netns", "exec", ns, "sysctl", "-qw",
             "net.ipv6.conf.%s.disable_ipv6=1" % final])
        run(["ip", "-n", ns, "link", "set", final, "mtu", str(mtu), "up"])


def gen_argv(ns: str, tag: str, plugin: Optional[str], ifaces: Sequence[str],
             max_size: int) -> List[str]:
    """gfp-pktgen --serve in ``ns`` on two kernel interfaces."""
    dev = ("net_pmmap%d,iface=%s,qdisc_bypass=1" if plugin
           else "net_af_packet%d,iface=%s")
    argv = ["ip", "netns", "exec", ns, "taskset", "-c", str(HOST_CPU),
            need_tool("gfp-pktgen"), "-l", str(HOST_CPU), "--no-huge",
            "-m", "512", "--no-pci", "--no-telemetry",
            "--file-prefix", "gfpb%sp" % tag,
            "--vdev", dev % (0, ifaces[0]), "--vdev", dev % (1, ifaces[1])]
    if plugin:
        argv += ["-d", plugin]
    return argv + ["--", "--serve", "--size", str(max_size - FCS),
                   "--src-mac", PG_MAC0, "--dst-mac", GUEST_MAC0,
                   "--drain-ms", "500", "--burst", "32"]


class NamespaceSeat(RealPath):
    """What the namespace seats share: the namespaces they made, the
    guest application, the generator, their teardown."""

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int, guest: str = "netns",
                 letter: str = "k") -> None:
        super().__init__(name, description, workdir, sizes, flows, guest)
        self.tag = "%d%s" % (os.getpid() % 100000, letter)
        self.made_ns: List[str] = []
        self.app: Optional[subprocess.Popen] = None

    def _netns(self, *names: str) -> None:
        for ns in names:
            run(["ip", "netns", "add", ns])
            self.made_ns.append(ns)
            run(["ip", "-n", ns, "link", "set", "lo", "up"])

    def _start_app(self, argv: Sequence[str], ctl: Optional[str]) -> None:
        log = os.path.join(self.work, "guest.log")
        self.logs["guest"] = log
        self.app = start(argv, log)
        if ctl:
            wait_for(lambda: os.path.exists(ctl) and
                     run([need_tool("gfp-ctl"), "-s", ctl, "fwd",
                          "stats"]) is not None,
                     "the guest's gfp-fwd", log, self.app)
        else:
            wait_for(lambda: "Press enter" in open(log, errors="replace")
                     .read() or "Start automatic" in open(
                         log, errors="replace").read(),
                     "the guest's application", log, self.app)

    def teardown(self) -> None:
        if self.gen:
            signal_pids([self.gen.pid], signal.SIGCONT)
            self.gen.close()
            self.gen = None
        stop(self.app)
        self.app = None
        for ns in reversed(self.made_ns):
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
        self.made_ns = []
        for role in "pg":
            eal_clean("gfpb%s%s" % (self.tag, role))
        shutil.rmtree(self.work, ignore_errors=True)


class BridgeSeat(NamespaceSeat):
    """vswitch-only and guest-dpdk: Linux bridges in a host namespace."""

    kernel_switch = True

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int, guest: str = "netns",
                 guest_dpdk: bool = False) -> None:
        super().__init__(name, description, workdir, sizes, flows, guest,
                         "d" if guest_dpdk else "k")
        self.guest_dpdk = guest_dpdk
        self.ns_h = "gfpb%sh" % self.tag
        self.ns_g = "gfpb%sg" % self.tag
        self.ctl = os.path.join(self.work, "fwd.ctl")

    def prerequisites(self) -> Optional[str]:
        why = super().prerequisites()
        if not why and self.guest_dpdk and self.mtu > 1500:
            why = ("DPDK 22.11's %s takes frames of at most 1518 bytes "
                   "(its max_rx_pktlen): no 9000-byte frames on this path; "
                   "measure it without 9000 in --sizes" % GUEST_PMD)
        return why

    def setup(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        self._netns(self.ns_h, self.ns_g)
        h, g = self.ns_h, self.ns_g
        for a, b, ns_b in (("gen", "hgen", h), ("hsink", "sink", h),
                           ("hg0", "eth0", g), ("hg1", "eth1", g)):
            veth(self.tag, self.mtu, h, a, ns_b, b)
        run(["ip", "-n", g, "link", "set", "eth0", "address", GUEST_MAC0])
        run(["ip", "-n", g, "link", "set", "eth1", "address", GUEST_MAC1])
        for br, ports in (("bra", ("hgen", "hg0")), ("brb", ("hg1", "hsink"))):
            try:
                run(["ip", "-n", h, "link", "add", br, "type", "bridge",
                     "forward_delay", "0", "stp_state", "0"])
            except RuntimeError as e:
                raise Skip("no Linux bridge here (%s)" % e)
            run(["ip", "netns", "exec", h, "sysctl", "-qw",
                 "net.ipv6.conf.%s.disable_ipv6=1" % br])
            for port in ports:
                run(["ip", "-n", h, "link", "set", port, "master", br])
            run(["ip", "-n", h, "link", "set", br, "mtu", str(self.mtu),
                 "up"])
        # The generator's capacity: gen straight to sink, the switch
        # bypassed, with a tc redirect added for the measurement.
        run(["ip", "netns", "exec", h, "tc", "qdisc", "add", "dev", "hgen",
             "clsact"])
        self.plugin = copy_plugin(self.work)
        self._start_guest()
        self.gen = Generator(gen_argv(h, self.tag, self.plugin,
                                      ("gen", "sink"), self.max_size),
                             os.path.join(self.work, "pktgen.log"))
        self.logs["generator"] = self.gen.log
        self.pids = [self.gen.pid, self.app.pid]
        self.components = {"guest": self.app.pid}
        self.pollers = ["generator", "guest"]
        self.counters = counters.reader(self._spec())
        # Idle until its turn: the other paths' trials must not compete
        # with these pollers.
        self.deactivate()

    def _spec(self) -> counters.CounterSpec:
        labels = {"kernel:gen": "generator link", "kernel:sink":
                  "generator link", "kernel:eth0": "guest kernel",
                  "kernel:eth1": "guest kernel", "fwd:*": "guest"}
        labels.update(("kernel:" + i, "host bridges") for i in HOST_IFACES)
        through = {}
        if self.guest_dpdk:
            # DPDK 22.11's net_af_packet counts no drops of its receive
            # ring (PACKET_STATISTICS is never read): the guest's hop is
            # what its kernel interfaces took in and did not send on.
            through = {"guest (eth0 rx - eth1 tx)": (
                "rx_packets:kernel:eth0", "tx_packets:kernel:eth1")}
        return counters.CounterSpec(
            netns=(self.ns_h, self.ns_g), fwd_socket=self.ctl,
            labels=labels, fwd_component="guest", through=through)

    def _start_guest(self) -> None:
        base = ["ip", "netns", "exec", self.ns_g, "taskset", "-c",
                str(GUEST_CPU), need_tool("gfp-fwd")]
        opts = ["--ctl-socket", self.ctl, "--mtu", str(self.mtu),
                "--stats-file", os.path.join(self.work, "fwd.json")]
        if self.guest_dpdk:
            # net_af_packet's frames are 2 KB unless told otherwise.
            ring = (",blocksz=16384,framesz=16384,framecnt=512"
                    if self.mtu > 1500 else "")
            argv = base + [
                "--lcores", "0@%d,1@%d" % (GUEST_CPU, GUEST_CPU),
                "--no-huge", "-m", "512", "--no-pci", "--no-telemetry",
                "--file-prefix", "gfpb%sg" % self.tag,
                "--vdev", "%s0,iface=eth0%s" % (GUEST_PMD, ring),
                "--vdev", "%s1,iface=eth1%s" % (GUEST_PMD, ring), "--"] + opts
        else:
            argv = base + ["--", "--mode", "mmap", "--ifaces",
                           "eth0,eth1"] + opts
        self._start_app(argv, self.ctl)

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        h = self.ns_h
        run(["ip", "netns", "exec", h, "tc", "filter", "add", "dev", "hgen",
             "ingress", "protocol", "all", "u32", "match", "u32", "0", "0",
             "action", "mirred", "egress", "redirect", "dev", "hsink"])
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            run(["ip", "netns", "exec", h, "tc", "filter", "del", "dev",
                 "hgen", "ingress"])
