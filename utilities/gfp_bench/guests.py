"""What kind of guest the paths run, and on which switch vswitch-only
runs: the run's decisions, taken once, before any path is made, and
written into the report's header.

* The guest: ``vm`` (every path a gfp-pair ``--guest vm``: a QEMU VM
  booted from gfp's guest image) or ``netns`` (a network namespace or a
  process on vhost-user ports: the same code, none of a VM's cost).  The
  default is ``vm`` where KVM works, ``netns`` elsewhere: under TCG a VM
  forwards a few thousand frames a second, which shows that a path works,
  not how fast it is.
* The accelerator of a VM: KVM where ``/dev/kvm`` opens read-write and the
  CPU shows the vmx or svm flag (gfp-vm's own test: a ``/dev/kvm`` without
  them, in a nested guest without nested virtualization, gives guests that
  hang), TCG otherwise.
* vswitch-only's switch with a VM guest: OVS's kernel datapath
  (``datapath_type=system``, the VM on taps) where the openvswitch module
  is loaded or loads, the Linux bridge otherwise.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from typing import Any, Callable, Dict, Optional, Tuple

KINDS = ("vm", "netns")
ACCELS = ("kvm", "tcg")
SWITCH_OVS_KERNEL = "ovs-kernel"
SWITCH_BRIDGE = "linux-bridge"

TCG_NOTE = ("TCG (no KVM): QEMU emulates every guest instruction, so "
            "rates show function, not speed: not comparable with KVM "
            "figures nor with --guest netns (the counts, exact accounting, "
            "are)")
KVM_NOTE = ("KVM: the guests run on the host's CPUs; a VM's vCPU is one "
            "more poller in the seat")
NETNS_NOTE = ("stand-in guests (a network namespace, or a process on "
              "vhost-user ports): the guest's code without a VM's cost "
              "(no vCPU exits, no virtio-net between host and guest "
              "kernels)")


def kvm_usable(dev: str = "/dev/kvm",
               cpuinfo: str = "/proc/cpuinfo") -> Tuple[bool, str]:
    """(True, why) if KVM can run a guest here, else (False, why)."""
    try:
        fd = os.open(dev, os.O_RDWR)
    except OSError as e:
        return False, "%s does not open read-write (%s)" % (
            dev, e.strerror or e)
    os.close(fd)
    flags = set()
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("flags"):
                    flags.update(line.split(":", 1)[1].split())
                    break
    except OSError as e:
        return False, "cannot read %s: %s" % (cpuinfo, e)
    if not flags & {"vmx", "svm"}:
        return False, ("%s opens, but the CPU shows no vmx/svm flag (nested "
                       "virtualization off): guests would hang" % dev)
    return True, "%s usable, the CPU has %s" % (
        dev, "vmx" if "vmx" in flags else "svm")


def ovs_kernel_datapath(sys_module: str = "/sys/module/openvswitch",
                        modprobe: Optional[Callable[[], int]] = None
                        ) -> Tuple[bool, str]:
    """(True, why) if OVS's kernel datapath can be used here: the
    openvswitch module is loaded, or ``modprobe openvswitch`` loads it."""
    if os.path.isdir(sys_module):
        return True, "the openvswitch module is loaded"
    if modprobe is None:
        modprobe = _modprobe_openvswitch
    rc = modprobe()
    if rc == 0:
        return True, "modprobe openvswitch loaded the module"
    return False, ("no OVS kernel datapath: the openvswitch module is not "
                   "loaded and modprobe openvswitch fails (exit %d)" % rc)


def _modprobe_openvswitch() -> int:
    try:
        return subprocess.run(["modprobe", "-q", "openvswitch"],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL,
                              timeout=30).returncode
    except (OSError, subprocess.TimeoutExpired):
        return 127


@dataclasses.dataclass(frozen=True)
class GuestChoice:
    """The run's guest: its kind, and for a VM the accelerator and the
    switch of vswitch-only, each with the reason it was chosen."""

    kind: str
    why: str
    accel: Optional[str] = None
    accel_why: str = ""
    switch: Optional[str] = None
    switch_why: str = ""

    @property
    def note(self) -> str:
        """What the figures of this guest mean."""
        if self.kind == "netns":
            return NETNS_NOTE
        return TCG_NOTE if self.accel == "tcg" else KVM_NOTE

    def to_dict(self) -> Dict[str, Any]:
        """The report's (JSON) form."""
        return {"kind": self.kind, "why": self.why, "accel": self.accel,
                "accel_why": self.accel_why or None,
                "vswitch_only_switch": self.switch,
                "switch_why": self.switch_why or None,
                "note": self.note}


def choose(asked: Optional[str], suite: str = "paths",
           kvm: Optional[Tuple[bool, str]] = None,
           ovs_kernel: Optional[Callable[[], Tuple[bool, str]]] = None
           ) -> GuestChoice:
    """The guest of a run: ``asked`` (``--guest``; None: the default).
    ValueError for a VM guest in a suite without VM seats."""
    if asked is not None and asked not in KINDS:
        raise ValueError("guest %r: expected %s" % (asked, " or ".join(KINDS)))
    ok, kvm_why = kvm if kvm is not None else kvm_usable()
    if asked is None:
        if suite != "paths":
            return GuestChoice("netns", "the default of the %s suite, which "
                               "compares components on stand-in seats"
                               % suite)
        kind = "vm" if ok else "netns"
        why = "the default: %s" % ("KVM works here (%s)" % kvm_why if ok
                                   else "no KVM here (%s)" % kvm_why)
    else:
        if asked == "vm" and suite != "paths":
            raise ValueError("--guest vm: the %s suite has no VM seats (it "
                             "compares components on stand-in seats; use "
                             "--guest netns)" % suite)
        kind, why = asked, "asked for (--guest %s)" % asked
    if kind == "netns":
        return GuestChoice(kind, why)
    accel = "kvm" if ok else "tcg"
    has_ovs, switch_why = (ovs_kernel or ovs_kernel_datapath)()
    return GuestChoice(kind, why, accel, kvm_why,
                       SWITCH_OVS_KERNEL if has_ovs else SWITCH_BRIDGE,
                       switch_why)
