"""guest-dpdk: DPDK in the guest only."""

from ..registry import SimProfile, register_path
from ..seats.bridges import BridgeSeat
from ..seats.vm_pair import VmSeat, is_vm


@register_path("guest-dpdk", suite="paths", order=30,
               baseline="vswitch-only",
               description="kernel switching <-> guest gfp-fwd in DPDK mode "
               "on a kernel-interface PMD",
               simulated=SimProfile(1.1, {"kernel": 1500.0, "gfp-fwd": 350.0},
                                    ("gfp-fwd",)))
def make(name, description, workdir, sizes, flows, guest):
    if is_vm(guest):
        return VmSeat(name, description, workdir, sizes, flows, guest,
                      nic="tap", mode="dpdk")
    return BridgeSeat(name, description, workdir, sizes, flows, guest,
                      guest_dpdk=True)
