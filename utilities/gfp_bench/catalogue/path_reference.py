"""reference: dpdk-testpmd in the guest's seat of the both path."""

from ..registry import SimProfile, register_path
from ..seats.ovs_pair import OvsPairSeat
from ..seats.vm_pair import VmSeat, is_vm


@register_path("reference", suite="paths", order=50,
               baseline="vswitch-only",
               description="OVS-DPDK vhost-user <-> dpdk-testpmd in the "
               "guest's seat",
               simulated=SimProfile(4.3, {"ovs-pmd": 250.0, "testpmd": 130.0},
                                    ("ovs-pmd", "testpmd")))
def make(name, description, workdir, sizes, flows, guest):
    if is_vm(guest):
        return VmSeat(name, description, workdir, sizes, flows, guest,
                      nic="vhost", mode="dpdk", app="testpmd")
    return OvsPairSeat(name, description, workdir, sizes, flows, guest,
                       nic="vhost", app="testpmd", engine="io")
