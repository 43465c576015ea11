"""host-dpdk: DPDK on the host only."""

from ..registry import SimProfile, register_path
from ..seats.ovs_pair import OvsPairSeat
from ..seats.vm_pair import VmSeat, is_vm


@register_path("host-dpdk", suite="paths", order=20,
               baseline="vswitch-only",
               description="OVS-DPDK with net_pmmap ports <-> guest gfp-fwd "
               "in PacketMMAP mode",
               simulated=SimProfile(1.4, {"ovs-pmd": 600.0, "gfp-fwd": 900.0},
                                    ("ovs-pmd",)))
def make(name, description, workdir, sizes, flows, guest):
    if is_vm(guest):
        return VmSeat(name, description, workdir, sizes, flows, guest,
                      nic="vhost", mode="mmap")
    return OvsPairSeat(name, description, workdir, sizes, flows, guest,
                       nic="kernel", app="gfp-fwd", host_port="pmmap")
