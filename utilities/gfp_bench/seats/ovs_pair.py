"""An OVS-DPDK seat: a gfp-pair on a sandboxed OVS-DPDK, the generator
on its gen/sink vhost-user ports (virtio-user), the guest on g0/g1:
vhost-user ports and a DPDK process (``nic="vhost"``), or net_pmmap (or
system, or net_af_packet) ports on veths to a guest namespace
(``nic="kernel"``).  The guest application is gfp-fwd (its engine a
parameter) or dpdk-testpmd.

Several paths may share one pair (``pair_key``): each then starts its own
guest application when its turn comes and stops it after, so that they
compare in the very same seat (the components suite's gfp-fwd against
testpmd).  A path with a pair of its own starts its guest once and
pauses it between turns.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from typing import Dict, List, Optional, Sequence

from .. import counters
from ..generator import FCS, Generator
from ..tools import (copy_plugin, eal_clean, find_tool, need_tool, run,
                     signal_pids)
from .base import GUEST_MAC0, HOST_CPU, PG_MAC0, PG_MAC1, PMD_MAXSLEEP_US
from .base import RealPath

SOCKET_MEM = 512
OVS_PORTS = ("gen", "g0", "g1", "sink")


def vhost_gen_argv(pair_dir: str, tag: str, max_size: int) -> List[str]:
    """gfp-pktgen --serve on a pair's gen and sink vhost-user ports
    (virtio-user, the server end of OVS's dpdkvhostuserclient ports)."""
    return ["taskset", "-c", str(HOST_CPU), need_tool("gfp-pktgen"),
            "-l", str(HOST_CPU), "--no-pci", "--in-memory",
            "--single-file-segments", "--file-prefix", "gfpb%sp" % tag,
            "-m", "256", "--no-telemetry",
            "--vdev", "net_virtio_user0,path=%s/gen.sock,server=1,"
            "queue_size=4096,mac=%s" % (pair_dir, PG_MAC0),
            "--vdev", "net_virtio_user1,path=%s/sink.sock,server=1,"
            "queue_size=4096,mac=%s" % (pair_dir, PG_MAC1),
            "--", "--serve", "--size", str(max_size - FCS),
            "--src-mac", PG_MAC0, "--dst-mac", GUEST_MAC0,
            "--drain-ms", "500"]


class Pair:
    """One gfp-pair, up for as long as a path uses it."""

    def __init__(self, work: str, nic: str, host_port: str,
                 mtu: int, max_size: int, tag: str) -> None:
        self.dir = os.path.join(work, "pair")
        self.sb = os.path.join(self.dir, "sb")
        self.nic, self.host_port = nic, host_port
        self.mtu, self.max_size, self.tag = mtu, max_size, tag
        self.work = work
        self.users = 0
        self.lock = threading.Lock()
        self.error: Optional[BaseException] = None
        self.ready = False
        self.gen: Optional[Generator] = None
        self.ovs_pid = 0

    def cmd(self, *args: str, timeout: float = 120.0) -> str:
        return run([need_tool("gfp-pair")] + list(args), timeout=timeout)

    def acquire(self) -> None:
        """Brings the pair up on first use (once, whatever the threads)."""
        with self.lock:
            self.users += 1
            if self.error:
                raise RuntimeError("the shared pair: %s" % self.error)
            if not self.ready:
                try:
                    self._up()
                    self.ready = True
                except BaseException as e:
                    self.error = e
                    raise

    def _up(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        # The PMD thread shares its CPU with the generator on a small
        # host: it sleeps when it finds nothing (OVS >= 3.1).
        up = ["up", self.dir, "--mtu", str(self.mtu),
              "--socket-mem", str(SOCKET_MEM),
              "--pmd-maxsleep", str(PMD_MAXSLEEP_US)]
        if self.nic == "kernel":
            up += ["--guest", "kernel", "--host-port", self.host_port]
            if self.host_port == "pmmap":
                up += ["--plugin", copy_plugin(self.work) or ""]
        self.cmd(*up)
        self.ovs_pid = int(open(os.path.join(self.sb,
                                             "ovs-vswitchd.pid")).read())
        self.gen = Generator(vhost_gen_argv(self.dir, self.tag,
                                            self.max_size),
                             os.path.join(self.work, "pktgen.log"))
        self.wait_links(("gen", "sink"))
        # OVS drops what it must send to a vhost-user port before its PMD
        # threads have taken the port's queues: give them a moment.
        time.sleep(1.0)

    def wait_links(self, ports: Sequence[str]) -> None:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                state = run([need_tool("gfp-sandbox"), "vsctl", "--dir",
                             self.sb, "get", "Interface", port,
                             "link_state"]).strip()
                if state == "up":
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("OVS port %s stays %s" % (port, state))
                time.sleep(0.1)

    def ofctl(self, *args: str) -> str:
        return run([need_tool("gfp-sandbox"), "ofctl", "--dir", self.sb]
                   + list(args))

    def guest_netns(self) -> Optional[str]:
        p = os.path.join(self.dir, "guest-netns")
        return open(p).read().strip() if os.path.exists(p) else None

    def guest_pid(self) -> int:
        return int(open(os.path.join(self.dir, "guest.pid")).read())

    def release(self) -> None:
        """Takes the pair down after its last user."""
        with self.lock:
            self.users -= 1
            if self.users > 0:
                return
            signal_pids([p for p in (self.ovs_pid,) if p], signal.SIGCONT)
            if self.gen:
                signal_pids([self.gen.pid], signal.SIGCONT)
                self.gen.close()
                self.gen = None
            if os.path.exists(os.path.join(self.dir, "mtu")):
                subprocess.run([find_tool("gfp-pair"), "down", self.dir],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=120,
                               start_new_session=True)
            eal_clean("gfpb%sp" % self.tag)
            shutil.rmtree(self.work, ignore_errors=True)
            self.ready = False


_PAIRS: Dict[str, Pair] = {}
_PAIRS_LOCK = threading.Lock()


class OvsPairSeat(RealPath):
    """host-dpdk, both, reference, and the components suite's vhost-user
    comparisons."""

    needs_tools = ("gfp-pktgen", "gfp-fwd", "gfp-ctl", "gfp-pair",
                   "gfp-sandbox")

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int, guest: str = "netns",
                 nic: str = "vhost", app: str = "gfp-fwd",
                 engine: Optional[str] = None, host_port: str = "pmmap",
                 pair_key: Optional[str] = None,
                 idle: Optional[str] = None,
                 fwd_args: Sequence[str] = ()) -> None:
        super().__init__(name, description, workdir, sizes, flows, guest)
        self.nic, self.app, self.engine = nic, app, engine
        self.idle = idle
        self.fwd_args = tuple(fwd_args)
        self.needs_plugin = nic == "kernel" and host_port == "pmmap"
        self.shared = pair_key is not None
        key = pair_key or name
        with _PAIRS_LOCK:
            pair = _PAIRS.get(os.path.join(workdir, key))
            if pair is None:
                pair = Pair(os.path.join(workdir, key), nic, host_port,
                            self.mtu, self.max_size,
                            "%d%s" % (os.getpid() % 100000, key[0]))
                _PAIRS[os.path.join(workdir, key)] = pair
                self.needs_hugepages_mb = (SOCKET_MEM + 256
                                           + (512 if nic == "vhost" else 0))
        self.pair = pair
        self.ctl = os.path.join(pair.dir, "fwd.ctl")
        self.acquired = False
        self.guest_running = False

    def prerequisites(self) -> Optional[str]:
        why = super().prerequisites()
        if why:
            return why
        if self.app == "testpmd" and not shutil.which("dpdk-testpmd"):
            return "dpdk-testpmd not found (apt-get install dpdk)"
        return None

    def setup(self) -> None:
        self.acquired = True
        self.pair.acquire()
        self.gen = self.pair.gen
        self.logs = {"guest": os.path.join(self.pair.dir, "fwd.log"),
                     "ovs": os.path.join(self.pair.sb, "ovs-vswitchd.log"),
                     "generator": self.gen.log}
        # A guest that sleeps or waits when idle is no busy poller.
        self.pollers = ["generator", "ovs"] + (
            [] if self.idle in ("sleep", "interrupt") else ["guest"])
        self.pids = [self.gen.pid, self.pair.ovs_pid]
        self.components = {"ovs": self.pair.ovs_pid}
        if not self.shared:
            self._guest_start()
        self.deactivate()

    def _guest_start(self) -> None:
        start = ["guest-start", self.pair.dir]
        if self.app == "testpmd":
            start += ["--app", "testpmd", "--", "--forward-mode=%s"
                      % (self.engine or "io")]
        else:
            start += ["--", "--ctl-socket", self.ctl]
            if self.engine:
                start += ["--engine", self.engine]
            if self.idle:
                start += ["--idle", self.idle]
            start += list(self.fwd_args)
        self.pair.cmd(*start)
        self.guest_running = True
        guest_pid = self.pair.guest_pid()
        self.pids = [self.gen.pid, guest_pid, self.pair.ovs_pid]
        self.components = {"guest": guest_pid, "ovs": self.pair.ovs_pid}
        self.counters = counters.reader(self._spec())

    def _guest_stop(self) -> None:
        if self.guest_running:
            self.guest_running = False
            signal_pids(self.pids, signal.SIGCONT)
            self.pair.cmd("guest-stop", self.pair.dir)

    def _spec(self) -> counters.CounterSpec:
        labels = {"ovs:" + p: "host OVS" for p in OVS_PORTS}
        labels.update({"fwd:*": "guest", "ovs-pmd:*": "host OVS"})
        netns = ()
        ns = self.pair.guest_netns()
        if self.nic == "kernel" and ns:
            netns = (ns,)
            labels.update({"kernel:eth0": "guest kernel",
                           "kernel:eth1": "guest kernel"})
        through = {}
        if self.app == "testpmd":
            # testpmd keeps no counter read per trial: its hop is what
            # OVS sent it and did not get back.
            through = {"guest (OVS g0 tx - g1 rx)": (
                "tx_packets:ovs:g0", "rx_packets:ovs:g1")}
        return counters.CounterSpec(
            sandbox=self.pair.sb, netns=netns,
            fwd_socket=self.ctl if self.app == "gfp-fwd" else None,
            labels=labels, through=through,
            fwd_component="guest" if self.app == "gfp-fwd" else None,
            ovs_component="ovs")

    def activate(self) -> None:
        if self.shared:
            signal_pids([self.gen.pid, self.pair.ovs_pid], signal.SIGCONT)
            self._guest_start()
            self.pair.wait_links(("g0", "g1"))
            time.sleep(0.5)
        super().activate()

    def deactivate(self) -> None:
        if self.shared:
            self._guest_stop()
            self.pids = [self.gen.pid, self.pair.ovs_pid]
        super().deactivate()

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        # The guest bypassed: OVS sends gen's frames straight to sink.
        # Above gfp-pair's flows, which have OpenFlow's default priority.
        self.pair.ofctl("add-flow", "priority=40000,in_port=1,"
                        "actions=output:4")
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            self.pair.ofctl("del-flows", "--strict",
                            "priority=40000,in_port=1")

    def teardown(self) -> None:
        if self.shared and self.guest_running:
            try:
                self._guest_stop()
            except RuntimeError:
                pass
        self.gen = None
        if self.acquired:
            self.acquired = False
            self.pair.release()
