"""The idle suite: gfp-fwd's --idle modes against each other, as the guest
of one sandboxed OVS-DPDK on vhost-user ports (the three take turns on the
very same pair), io engine.

``poll`` spins on its queues; ``sleep`` sleeps after empty passes, longer
each time up to --idle-sleep-max; ``interrupt`` waits for the virtio-user
ports' receive interrupts.  The suite shows what giving the CPU back costs
in MRR, PDR and latency (at 10% of PDR, where a poller that sleeps pays
most), and the CPU each uses under load.
"""

from ..registry import SimProfile, register_path, register_suite
from ..seats.ovs_pair import OvsPairSeat

register_suite("idle", "gfp-fwd --idle poll, sleep and interrupt against "
               "each other on vhost-user", 2)

PAIR = "idle-vhost"
"""The pair the variants share."""


def _vhost(idle):
    def make(name, description, workdir, sizes, flows, guest):
        return OvsPairSeat(name, description, workdir, sizes, flows, guest,
                           nic="vhost", app="gfp-fwd", engine="io",
                           pair_key=PAIR, idle=idle)
    return make


POLLERS = ("ovs-pmd", "guest")
# name, description, factory, baseline, simulated profile
VARIANTS = (
    ("fwd-idle-poll", "gfp-fwd --idle poll (DPDK mode, io) on vhost-user",
     _vhost("poll"), None,
     SimProfile(4.5, {"ovs-pmd": 250.0, "guest": 110.0}, POLLERS)),
    ("fwd-idle-sleep", "gfp-fwd --idle sleep (DPDK mode, io) on vhost-user",
     _vhost("sleep"), "fwd-idle-poll",
     SimProfile(4.3, {"ovs-pmd": 250.0, "guest": 120.0}, ("ovs-pmd",))),
    ("fwd-idle-interrupt", "gfp-fwd --idle interrupt (DPDK mode, io) on "
     "vhost-user", _vhost("interrupt"), "fwd-idle-poll",
     SimProfile(4.0, {"ovs-pmd": 250.0, "guest": 140.0}, ("ovs-pmd",))),
)

for _i, (_name, _desc, _make, _base, _sim) in enumerate(VARIANTS):
    register_path(_name, suite="idle", description=_desc,
                  order=200 + _i, baseline=_base, simulated=_sim)(_make)
