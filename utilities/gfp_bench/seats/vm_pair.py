"""A VM seat: a gfp-pair ``--guest vm``, the guest a QEMU VM booted from
gfp's guest image, its two virtio-net-pci NICs on the host's switch.

* ``nic="vhost"`` (host-dpdk, both, reference): the NICs are vhost-user
  ports g0/g1 of a sandboxed OVS-DPDK; the generator on its gen/sink
  vhost-user ports (virtio-user), as in the namespace seat of
  :mod:`.ovs_pair`.
* ``nic="tap"`` (vswitch-only, guest-dpdk): the NICs are taps on the
  host's kernel switch (Linux bridges, or OVS's kernel datapath where the
  openvswitch module loads: :mod:`gfp_bench.guests`), the generator on
  veths in the same host namespace.

In the VM, gfp-fwd runs in DPDK mode (the virtio PMD on the PCI NICs,
bound to uio_pci_generic) or in PacketMMAP mode (the kernel's virtio_net),
or dpdk-testpmd runs in the gfp-fwd's seat (reference).  The VM's QEMU is
the "guest" component: its CPU time is the guest's cost; between the
path's turns its vCPUs are paused (QMP stop).

Counters: the host's hops through the host's ``gfp-ctl stats --json``,
the guest's gfp-fwd through the guest's own (``gfp-vm run``), merged into
one reading (:class:`gfp_bench.counters.CounterSpec` ``guest_vm``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
from typing import Any, Optional, Sequence

from .. import counters, guests
from ..generator import Generator
from ..tools import (copy_plugin, eal_clean, find_tool, need_tool, run,
                     signal_pids)
from .base import RealPath
from .bridges import gen_argv
from .ovs_pair import OVS_PORTS, vhost_gen_argv

GUEST_CTL = "/run/gfp/fwd.sock"
"""gfp-fwd's control socket in the VM (gfp-pair guest-start puts it
there)."""
HOST_IFACES = ("hgen", "bra", "tap0", "tap1", "brb", "hsink")
SOCKET_MEM = 256
"""OVS's hugepage memory in MB on a VM path: a VM forwards little under
TCG, and three such paths run at once beside the generators' 256 each."""
UP_TIMEOUT = 600.0
"""Boot and start, under TCG on a busy two-CPU host, several VMs at once."""

_IMAGE_LOCK = threading.Lock()
_IMAGE: Optional[str] = None


def guest_image() -> str:
    """gfp's guest image of this build (gfp-guest-image, cached by the
    hash of its inputs), built once for every VM of the run."""
    global _IMAGE
    with _IMAGE_LOCK:
        if _IMAGE is None:
            _IMAGE = run([need_tool("gfp-guest-image"), "-q"],
                         timeout=UP_TIMEOUT).strip()
        return _IMAGE


def is_vm(guest) -> bool:
    """True if ``guest`` (a kind's name or a GuestChoice) is a VM."""
    return getattr(guest, "kind", guest) == "vm"


def vm_prerequisites() -> Optional[str]:
    """Why no gfp guest boots here, or None (as the check-guest suite's
    GUEST_PREREQS)."""
    if not shutil.which("qemu-system-x86_64"):
        return "no qemu-system-x86_64: run utilities/gfp-setup"
    if not any(f.startswith("vmlinuz-") and f.endswith("-cloud-amd64")
               for f in os.listdir("/boot")):
        return "no cloud kernel (linux-image-cloud-amd64): run " \
            "utilities/gfp-setup"
    if not shutil.which("busybox") or not shutil.which("cpio"):
        return "no busybox or cpio: run utilities/gfp-setup"
    return None


class VmSeat(RealPath):
    """Every path of the paths suite with ``--guest vm``."""

    # A trial at the generator's rate leaves a TCG guest with its tap's
    # queue, its virtio ring and its PacketMMAP ring full: up to 6 s for
    # them to drain into this trial rather than the next (the wait ends
    # sooner when three rounds in a row bring nothing).
    straggler_rounds = 30

    needs_tools = ("gfp-pktgen", "gfp-fwd", "gfp-ctl", "gfp-pair",
                   "gfp-sandbox", "gfp-vm", "gfp-guest-image")

    def __init__(self, name: str, description: str, workdir: str,
                 sizes: Sequence[int], flows: int,
                 guest: Any, nic: str = "vhost", mode: str = "dpdk",
                 app: str = "gfp-fwd") -> None:
        super().__init__(name, description, workdir, sizes, flows, guest)
        if not isinstance(guest, guests.GuestChoice):
            guest = guests.choose("vm")
        if nic not in ("vhost", "tap"):
            raise ValueError("VM NIC %r: expected vhost or tap" % nic)
        self.nic, self.mode, self.app = nic, mode, app
        self.accel = guest.accel or "tcg"
        self.switch = (guest.switch or guests.SWITCH_BRIDGE) \
            if nic == "tap" else "ovs-dpdk"
        self.dir = os.path.join(self.work, "pair")
        self.tag = "%d%s" % (os.getpid() % 100000, name[:2])
        self.kernel_switch = nic == "tap"
        self.needs_plugin = nic == "tap"
        if nic == "vhost":
            self.needs_hugepages_mb = SOCKET_MEM + 256
        elif self.switch == guests.SWITCH_OVS_KERNEL:
            self.needs_hugepages_mb = 256   # the sandbox's OVS
        self.made = False
        self.ovs_pid = 0
        self.qemu_pid = 0

    def prerequisites(self) -> Optional[str]:
        return super().prerequisites() or vm_prerequisites()

    # -- set-up -----------------------------------------------------------
    def pair(self, *args: str, timeout: float = 120.0) -> str:
        return run([need_tool("gfp-pair")] + list(args), timeout=timeout)

    def setup(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        up = ["up", self.dir, "--guest", "vm", "--mtu", str(self.mtu),
              "--vm-image", guest_image(), "--vm-accel", self.accel]
        if self.nic == "tap":
            up += ["--vm-nic", "tap", "--vm-switch", self.switch]
        else:
            up += ["--socket-mem", str(SOCKET_MEM), "--pmd-maxsleep",
                   str(int(os.environ.get("GFP_BENCH_PMD_MAXSLEEP",
                                          "500")))]
        self.made = True
        self.pair(*up, timeout=UP_TIMEOUT)
        self.qemu_pid = int(open(os.path.join(self.dir, "vm",
                                              "qemu.pid")).read())
        if self.nic == "tap":
            # What gfp-pair built, in its own words: what was asked.
            with open(os.path.join(self.dir, "switch")) as f:
                built = f.read().strip()
            if built.split()[0] != self.switch:
                raise RuntimeError("asked gfp-pair for a %s switch, it "
                                   "built: %s" % (self.switch, built))
        self._start_generator()
        start = ["guest-start", self.dir, "--mode", self.mode]
        if self.app == "testpmd":
            start += ["--app", "testpmd", "--", "--forward-mode=io"]
        self.pair(*start, timeout=UP_TIMEOUT)
        # QEMU is paused through QMP (vm_pause), not stopped by a signal.
        self.pids = [self.gen.pid] + ([self.ovs_pid] if self.ovs_pid
                                      else [])
        self.components = {"guest": self.qemu_pid}
        self.pollers = ["generator", "guest"]
        if self.ovs_pid:
            self.components["ovs"] = self.ovs_pid
            # The kernel datapath's ovs-vswitchd only handles upcalls.
            if self.nic == "vhost":
                self.pollers.insert(1, "ovs")
        self.logs.update(guest=os.path.join(self.dir, "fwd.log"),
                         generator=self.gen.log)
        self.counters = counters.reader(self._spec())
        self.deactivate()

    def _sandbox(self) -> Optional[str]:
        sb = os.path.join(self.dir, "sb")
        return sb if os.path.exists(os.path.join(sb, "ovs-vswitchd.pid")) \
            else None

    def _host_netns(self) -> Optional[str]:
        p = os.path.join(self.dir, "host-netns")
        return open(p).read().strip() if os.path.exists(p) else None

    def _start_generator(self) -> None:
        sb = self._sandbox()
        if sb:
            self.ovs_pid = int(open(os.path.join(
                sb, "ovs-vswitchd.pid")).read())
            self.logs["ovs"] = os.path.join(sb, "ovs-vswitchd.log")
        log = os.path.join(self.work, "pktgen.log")
        if self.nic == "vhost":
            self.gen = Generator(vhost_gen_argv(self.dir, self.tag,
                                                self.max_size), log)
            self._wait_links(("gen", "sink"))
            # OVS drops what it must send to a vhost-user port before its
            # PMD threads have taken the port's queues.
            time.sleep(1.0)
            return
        ns = self._host_netns()
        # The generator's capacity: gen straight to sink, the switch
        # bypassed, with a tc redirect added for the measurement.
        run(["ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "hgen",
             "clsact"])
        self.plugin = copy_plugin(self.work)
        self.gen = Generator(gen_argv(ns, self.tag, self.plugin,
                                      ("gen", "sink"), self.max_size), log)

    def _wait_links(self, ports: Sequence[str]) -> None:
        deadline = time.monotonic() + 30
        for port in ports:
            while run([need_tool("gfp-sandbox"), "vsctl", "--dir",
                       self._sandbox(), "get", "Interface", port,
                       "link_state"]).strip() != "up":
                if time.monotonic() > deadline:
                    raise RuntimeError("OVS port %s stays down" % port)
                time.sleep(0.1)

    def _spec(self) -> counters.CounterSpec:
        labels = {"fwd:*": "guest"}
        through = {}
        netns = ()
        if self.nic == "vhost":
            labels.update({"ovs:" + p: "host OVS" for p in OVS_PORTS})
            labels["ovs-pmd:*"] = "host OVS"
            if self.app == "testpmd":
                # testpmd keeps no counter read per trial: its hop is
                # what OVS sent the VM and did not get back.
                through = {"guest (OVS g0 tx - g1 rx)": (
                    "tx_packets:ovs:g0", "rx_packets:ovs:g1")}
        else:
            netns = (self._host_netns(),)
            switch = ("host OVS (kernel)" if self._sandbox()
                      else "host bridges")
            labels.update({"kernel:gen": "generator link",
                           "kernel:sink": "generator link",
                           "ovs:*": switch, "ovs-pmd:*": switch})
            labels.update(("kernel:" + i, switch) for i in HOST_IFACES)
        return counters.CounterSpec(
            sandbox=self._sandbox(), netns=netns,
            fwd_socket=GUEST_CTL if self.app == "gfp-fwd" else None,
            guest_vm=os.path.join(self.dir, "vm"), labels=labels,
            through=through, ovs_component="ovs" if self.ovs_pid else None)

    # -- turns and trials -------------------------------------------------
    def vm_pause(self, pause: bool) -> None:
        """Stops or resumes the VM's vCPUs with QMP: the guest's clock
        stops with them, where a SIGSTOP of QEMU would leave a guest that
        finds minutes gone (timers, watchdogs and its agent busy catching
        up) when its turn comes again."""
        run([need_tool("gfp-vm"), "qmp", os.path.join(self.dir, "vm"),
             "stop" if pause else "cont"])

    def activate(self) -> None:
        signal_pids(self.pids, signal.SIGCONT)
        self.vm_pause(False)
        super().activate()

    def deactivate(self) -> None:
        self.vm_pause(True)
        super().deactivate()

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        if self.nic == "vhost":
            return self._capacity_ovs(frame_size, flows, duration_s)
        ns = self._host_netns()
        run(["ip", "netns", "exec", ns, "tc", "filter", "add", "dev", "hgen",
             "ingress", "protocol", "all", "u32", "match", "u32", "0", "0",
             "action", "mirred", "egress", "redirect", "dev", "hsink"])
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            run(["ip", "netns", "exec", ns, "tc", "filter", "del", "dev",
                 "hgen", "ingress"])

    def _capacity_ovs(self, frame_size: int, flows: int,
                      duration_s: float) -> Optional[float]:
        # The guest bypassed: OVS sends gen's frames straight to sink,
        # above gfp-pair's flows.
        ofctl = [need_tool("gfp-sandbox"), "ofctl", "--dir", self._sandbox()]
        run(ofctl + ["add-flow", "priority=40000,in_port=1,actions=output:4"])
        try:
            return self._capacity(frame_size, flows, duration_s)
        finally:
            run(ofctl + ["del-flows", "--strict",
                         "priority=40000,in_port=1"])

    # -- teardown ---------------------------------------------------------
    def teardown(self) -> None:
        # QEMU and OVS must run to be stopped in order.
        signal_pids([p for p in (self.qemu_pid, self.ovs_pid) if p],
                    signal.SIGCONT)
        if self.qemu_pid:
            try:
                self.vm_pause(False)
            except RuntimeError:
                pass    # gfp-pair down stops it either way
        if self.gen:
            signal_pids([self.gen.pid], signal.SIGCONT)
            self.gen.close()
            self.gen = None
        if self.made:
            self.made = False
            pair = find_tool("gfp-pair")
            if pair and os.path.exists(os.path.join(self.dir, "mtu")):
                subprocess.run([pair, "down", self.dir],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=180,
                               start_new_session=True)
        eal_clean("gfpb%sp" % self.tag)
        shutil.rmtree(self.work, ignore_errors=True)
