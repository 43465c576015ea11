"""vswitch-only: the baseline every path of the suite is compared with."""

from ..registry import SimProfile, register_path
from ..seats.bridges import BridgeSeat
from ..seats.vm_pair import VmSeat, is_vm


@register_path("vswitch-only", suite="paths", order=10, baseline=None,
               description="kernel switching <-> guest gfp-fwd in "
               "PacketMMAP mode",
               simulated=SimProfile(0.6, {"kernel": 1800.0,
                                          "gfp-fwd": 900.0}))
def make(name, description, workdir, sizes, flows, guest):
    if is_vm(guest):
        return VmSeat(name, description, workdir, sizes, flows, guest,
                      nic="tap", mode="mmap")
    return BridgeSeat(name, description, workdir, sizes, flows, guest,
                      guest_dpdk=False)
