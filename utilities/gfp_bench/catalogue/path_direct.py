"""direct: a VF or spare PF, no vswitch (run by hand, see gfp-bench(1))."""

from ..registry import SimProfile, register_path
from ..seats.direct import DirectSeat


@register_path("direct", suite="paths", order=60, baseline="vswitch-only",
               description="SR-IOV VF or spare PF (iavf/i40e), no vswitch",
               simulated=SimProfile(14.0, {}, unavailable="no SR-IOV VF or "
                                    "spare PF bound for DPDK on this host "
                                    "(simulated)"))
def make(name, description, workdir, sizes, flows, guest):
    return DirectSeat(name, description, workdir, sizes, flows, guest)
