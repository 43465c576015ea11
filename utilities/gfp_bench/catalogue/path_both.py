"""both: DPDK on the host and in the guest, vhost-user between them."""

from ..registry import SimProfile, register_path
from ..seats.ovs_pair import OvsPairSeat
from ..seats.vm_pair import VmSeat, is_vm


@register_path("both", suite="paths", order=40, baseline="vswitch-only",
               description="OVS-DPDK vhost-user <-> guest gfp-fwd in DPDK "
               "mode (virtio)",
               simulated=SimProfile(4.5, {"ovs-pmd": 250.0, "gfp-fwd": 120.0},
                                    ("ovs-pmd", "gfp-fwd")))
def make(name, description, workdir, sizes, flows, guest):
    if is_vm(guest):
        return VmSeat(name, description, workdir, sizes, flows, guest,
                      nic="vhost", mode="dpdk")
    return OvsPairSeat(name, description, workdir, sizes, flows, guest,
                       nic="vhost", app="gfp-fwd")
