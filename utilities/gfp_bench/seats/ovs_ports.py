"""OVS-DPDK alone, its two ports of one type: a sandboxed OVS-DPDK (its
PMD thread on CPU 1) forwarding p0 -> p1, p0 and p1 veths whose peers
gen and sink carry the generator (over net_pmmap, on CPU 0).  The port
type is the parameter: "pmmap" (the net_pmmap plugin), "pmmap-zc"
(the same handing OVS the ring's frames, zero_copy=1), "system" (OVS's own
AF_PACKET socket) or "afpacket" (DPDK's net_af_packet).  The
components suite compares them on one OVS: each variant adds its ports
when its turn comes and removes them after, so all three run on the very
same switch, veths and generator."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from typing import Dict, Optional, Sequence

from .. import counters
from ..generator import FCS, Generator
from ..tools import copy_plugin, eal_clean, need_tool, run, signal_pids
from .base import GUEST_MAC0, PG_MAC0, RealPath
from .bridges import veth

GEN_CPU = 0
SOCKET_MEM = 512
DEVARGS = {
    # Past the kernel's qdisc, like net_af_packet's default.
    "pmmap": "net_pmmap%d,iface=p%d,qdisc_bypass=1",
    "pmmap-zc": "net_pmmap%d,iface=p%d,qdisc_bypass=1,zero_copy=1",
    "afpacket": "net_af_packet%d,iface=p%d",
}


class Switch:
    """The sandboxed OVS, the veths and the generator the port variants
    share; up from the first variant's set-up to the last one's
    teardown."""

    def __init__(self, work: str, mtu: int, max_size: int,
                 tag: str) -> None:
        self.work, self.mtu, self.max_size, self.tag = (work, mtu,
                                                        max_size, tag)
        self.sb = os.path.join(work, "sb")
        self.ns = "gfpb%sn" % tag
        self.ons = ""
        self.lock = threading.Lock()
        self.users = 0
        self.ready = False
        self.error: Optional[BaseException] = None
        self.started = self.made_ns = False
        self.gen: Optional[Generator] = None
        self.ovs_pid = 0

    def sandbox(self, *args: str) -> str:
        return run([need_tool("gfp-sandbox"), args[0], "--dir", self.sb]
                   + list(args[1:]), timeout=120)

    def acquire(self) -> None:
        with self.lock:
            self.users += 1
            if self.error:
                raise RuntimeError("the shared switch: %s" % self.error)
            if not self.ready:
                try:
                    self._up()
                    self.ready = True
                except BaseException as e:
                    self.error = e
                    raise

    def _up(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        plugin = copy_plugin(self.work)
        self.started = True
        self.sandbox("start", "--pmd-cpu-mask", "0x2", "--socket-mem",
                     str(SOCKET_MEM), "--dpdk-extra", "-d " + plugin)
        with open(os.path.join(self.sb, "gfp-sandbox.state")) as f:
            state = dict(line.rstrip("\n").split("=", 1)
                         for line in f if "=" in line)
        self.ons = state["NETNS"]
        run(["ip", "netns", "add", self.ns])
        self.made_ns = True
        veth(self.tag + "0", self.mtu, self.ns, "gen", self.ons, "p0")
        veth(self.tag + "1", self.mtu, self.ons, "p1", self.ns, "sink")
        run(["ip", "netns", "exec", self.ons, "tc", "qdisc", "add", "dev",
             "p0", "clsact"])
        argv = ["ip", "netns", "exec", self.ns, "taskset", "-c",
                str(GEN_CPU), need_tool("gfp-pktgen"), "-l", str(GEN_CPU),
                "--no-huge", "-m", "256", "--no-pci", "--no-telemetry",
                "--file-prefix", "gfpb%sp" % self.tag, "-d", plugin,
                "--vdev", "net_pmmap0,iface=gen,qdisc_bypass=1",
                "--vdev", "net_pmmap1,iface=sink,qdisc_bypass=1", "--",
                "--serve", "--size", str(self.max_size - FCS),
                "--src-mac", PG_MAC0, "--dst-mac", GUEST_MAC0,
                "--drain-ms", "500", "--burst", "32"]
        self.gen = Generator(argv, os.path.join(self.work, "pktgen.log"))
        self.ovs_pid = int(open(os.path.join(self.sb,
                                             "ovs-vswitchd.pid")).read())

    def attach(self, port: str) -> None:
        """Makes p0 and p1 OVS ports of type ``port``, flow p0 -> p1."""
        for i in (0, 1):
            dev = (["type=system"] if port == "system" else
                   ["type=dpdk", "options:dpdk-devargs=" +
                    DEVARGS[port] % (i, i)])
            self.sandbox("vsctl", "add-port", "br0", "p%d" % i, "--",
                         "set", "Interface", "p%d" % i, *dev,
                         "ofport_request=%d" % (i + 1))
        deadline = time.monotonic() + 30
        for i in (0, 1):
            while self.sandbox("vsctl", "get", "Interface", "p%d" % i,
                               "ofport").strip() != str(i + 1):
                if time.monotonic() > deadline:
                    raise RuntimeError("OVS port p%d of type %s got no "
                                       "OpenFlow port" % (i, port))
                time.sleep(0.1)
        # A DPDK port is probed, and a PMD thread made to poll it, after
        # OVS has numbered it: frames sent before that sit in its ring,
        # counted nowhere.  Up, and a second for the PMD thread.
        for i in (0, 1):
            while self.sandbox("vsctl", "get", "Interface", "p%d" % i,
                               "link_state").strip() != "up":
                if time.monotonic() > deadline:
                    raise RuntimeError("OVS port p%d of type %s stays down"
                                       % (i, port))
                time.sleep(0.1)
        self.sandbox("ofctl", "del-flows")
        self.sandbox("ofctl", "add-flow", "in_port=1,actions=output:2")
        time.sleep(1.0)

    def detach(self) -> None:
        for i in (0, 1):
            self.sandbox("vsctl", "--if-exists", "del-port", "br0",
                         "p%d" % i)

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users > 0:
                return
            signal_pids([p for p in (self.ovs_pid,) if p], signal.SIGCONT)
            if self.gen:
                signal_pids([self.gen.pid], signal.SIGCONT)
                self.gen.close()
                self.gen = None
            if self.started:
                self.started = False
                subprocess.run([need_tool("gfp-sandbox"), "stop", "--dir",
                                self.sb], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=120)
            if self.made_ns:
                self.made_ns = False
                subprocess.run(["ip", "netns", "del", self.ns],
                               stderr=subprocess.DEVNULL)
            eal_clean("gfpb%sp" % self.tag)
            shutil.rmtree(self.work, ignore_errors=True)
            self.ready = False


_SWITCHES: Dict[str, Switch] = {}
_SWITCHES_LOCK = threading.Lock()


class OvsPortsSeat(RealPath):

    needs_tools = ("gfp-pktgen", "gfp-ctl", "gfp-sandbox")
    needs_plugin = True         # the generator's, and pmmap ports'

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int, guest: str = "netns",
                 port: str = "pmmap", switch_key: str = "ovs-ports") -> None:
        super().__init__(name, description, workdir, sizes, flows, guest)
        if port not in DEVARGS and port != "system":
            raise ValueError("OVS port type %r: expected pmmap, pmmap-zc, "
                             "system or afpacket" % port)
        self.port = port
        key = os.path.join(workdir, switch_key)
        with _SWITCHES_LOCK:
            sw = _SWITCHES.get(key)
            if sw is None:
                sw = Switch(key, self.mtu, self.max_size,
                            "%do" % (os.getpid() % 100000))
                _SWITCHES[key] = sw
                self.needs_hugepages_mb = SOCKET_MEM
        self.switch = sw
        self.acquired = False
        self.attached = False

    def setup(self) -> None:
        self.acquired = True
        self.switch.acquire()
        sw = self.switch
        self.gen = sw.gen
        self.pids = [sw.gen.pid, sw.ovs_pid]
        self.components = {"ovs": sw.ovs_pid}
        self.logs = {"ovs": os.path.join(sw.sb, "ovs-vswitchd.log"),
                     "generator": sw.gen.log}
        # OVS serves system ports from its main thread, which sleeps in
        # poll(): a PMD thread polls only where a DPDK port is.
        self.pollers = ["generator"] + (["ovs"] if self.port != "system"
                                        else [])
        self.counters = counters.reader(self._spec())
        self.deactivate()

    def _spec(self) -> counters.CounterSpec:
        labels = {"ovs:p0": "OVS", "ovs:p1": "OVS", "ovs-pmd:*": "OVS",
                  "kernel:p0": "OVS veths", "kernel:p1": "OVS veths",
                  "kernel:gen": "generator link",
                  "kernel:sink": "generator link"}
        through, covered = {}, ()
        if not self.port.startswith("pmmap"):
            # Neither OVS's system port nor DPDK 22.11's net_af_packet
            # counts what its AF_PACKET socket drops: OVS's hop is what
            # p0 took in and p1 did not send on, OVS's own drops in it.
            through = {"OVS (p0 rx - p1 tx)": ("rx_packets:kernel:p0",
                                               "tx_packets:kernel:p1")}
            covered = ("ovs:p0", "ovs:p1", "ovs-pmd:*", "kernel:p0",
                       "kernel:p1")
        return counters.CounterSpec(
            sandbox=self.switch.sb, netns=(self.switch.ns, self.switch.ons),
            labels=labels, through=through, covered=covered,
            ovs_component="ovs")

    def activate(self) -> None:
        signal_pids(self.pids, signal.SIGCONT)
        self.attached = True
        self.switch.attach(self.port)
        super().activate()

    def deactivate(self) -> None:
        signal_pids(self.pids, signal.SIGCONT)
        if self.attached:
            self.attached = False
            self.switch.detach()
        super().deactivate()

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        # OVS left out: no flow (it drops what p0 brings), p0's frames
        # redirected to p1 by tc.
        sw = self.switch
        sw.sandbox("ofctl", "del-flows")
        run(["ip", "netns", "exec", sw.ons, "tc", "filter", "add", "dev",
             "p0", "ingress", "protocol", "all", "u32", "match", "u32", "0",
             "0", "action", "mirred", "egress", "redirect", "dev", "p1"])
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            run(["ip", "netns", "exec", sw.ons, "tc", "filter", "del",
                 "dev", "p0", "ingress"])
            sw.sandbox("ofctl", "add-flow", "in_port=1,actions=output:2")

    def teardown(self) -> None:
        if self.attached:
            self.attached = False
            try:
                self.switch.detach()
            except RuntimeError:
                pass
        self.gen = None
        if self.acquired:
            self.acquired = False
            self.switch.release()
