"""The components suite: each of gfp's components against the DPDK or
OVS piece it replaces, in the same seat, with the same generator,
alternating trials and counters as the paths suite.

* gfp-fwd in DPDK mode against dpdk-testpmd, the guest of one sandboxed
  OVS-DPDK on vhost-user ports (both take turns on the very same pair),
  with the io and the macswap engine, and gfp-fwd with --tx-retries 8
  against without;
* gfp-fwd in PacketMMAP mode against dpdk-testpmd over net_af_packet,
  each straight on two veths, and gfp-fwd in AF_XDP mode against its
  PacketMMAP mode on the same kind of veths (with 4096 receive
  descriptors, about the frames PacketMMAP's ring holds: a forwarder off
  its CPU loses what its ring cannot hold), AF_XDP mode with a UMEM
  per port (each frame copied) against one shared by the pair, and
  AF_XDP mode with a receive hold (fuller bursts) against PacketMMAP;
* OVS-DPDK forwarding between two veths through net_pmmap ports against
  the same OVS with system ports and with net_af_packet ports, and
  net_pmmap handing OVS the ring's frames (zero_copy=1) against its copy
  (one switch, each variant's ports added for its turn).

The variants are a table: a row is a path (name, seat and parameters,
the path it is compared with, a profile for --simulate).
"""

from ..registry import SimProfile, register_path, register_suite
from ..seats.ovs_pair import OvsPairSeat
from ..seats.ovs_ports import OvsPortsSeat
from ..seats.veths import VethSeat

register_suite("components", "gfp-fwd against dpdk-testpmd, net_pmmap "
               "against OVS's system and net_af_packet ports", 1)

VHOST = "components-vhost"
"""The pair the vhost-user variants share."""


def _vhost(app, engine, fwd_args=()):
    def make(name, description, workdir, sizes, flows, guest):
        return OvsPairSeat(name, description, workdir, sizes, flows, guest,
                           nic="vhost", app=app, engine=engine,
                           pair_key=VHOST, fwd_args=fwd_args)
    return make


def _veths(app, mode="mmap", fwd_args=(), letter=""):
    def make(name, description, workdir, sizes, flows, guest):
        return VethSeat(name, description, workdir, sizes, flows, guest,
                        app=app, mode=mode, fwd_args=fwd_args, letter=letter)
    return make


def _ovs_ports(port):
    def make(name, description, workdir, sizes, flows, guest):
        return OvsPortsSeat(name, description, workdir, sizes, flows, guest,
                            port=port)
    return make


VHOST_POLLERS = ("ovs-pmd", "guest")
# name, description, factory, baseline, simulated profile
VARIANTS = (
    ("fwd-vhost-io", "gfp-fwd (DPDK mode, io engine) on vhost-user",
     _vhost("gfp-fwd", "io"), "testpmd-vhost-io",
     SimProfile(4.5, {"ovs-pmd": 250.0, "guest": 110.0}, VHOST_POLLERS)),
    ("testpmd-vhost-io", "dpdk-testpmd (io) on vhost-user",
     _vhost("testpmd", "io"), None,
     SimProfile(4.3, {"ovs-pmd": 250.0, "guest": 120.0}, VHOST_POLLERS)),
    ("fwd-vhost-io-retry", "gfp-fwd (DPDK mode, io engine, --tx-retries "
     "8) on vhost-user", _vhost("gfp-fwd", "io", ("--tx-retries", "8")),
     "fwd-vhost-io",
     SimProfile(4.5, {"ovs-pmd": 250.0, "guest": 112.0}, VHOST_POLLERS)),
    ("fwd-vhost-macswap", "gfp-fwd (DPDK mode, macswap engine) on "
     "vhost-user", _vhost("gfp-fwd", "macswap"), "testpmd-vhost-macswap",
     SimProfile(4.2, {"ovs-pmd": 250.0, "guest": 130.0}, VHOST_POLLERS)),
    ("testpmd-vhost-macswap", "dpdk-testpmd (macswap) on vhost-user",
     _vhost("testpmd", "macswap"), None,
     SimProfile(4.0, {"ovs-pmd": 250.0, "guest": 140.0}, VHOST_POLLERS)),
    ("fwd-mmap", "gfp-fwd in PacketMMAP mode on two veths",
     _veths("gfp-fwd"), "testpmd-afpacket",
     SimProfile(1.2, {"guest": 900.0}, ("guest",))),
    ("testpmd-afpacket", "dpdk-testpmd over net_af_packet on two veths",
     _veths("testpmd"), None,
     SimProfile(0.7, {"guest": 1500.0}, ("guest",))),
    ("fwd-xdp", "gfp-fwd in AF_XDP mode on two veths",
     _veths("gfp-fwd", "xdp", ("--rxd", "4096"), "x"), "fwd-mmap",
     SimProfile(1.4, {"guest": 800.0}, ("guest",))),
    ("fwd-xdp-copy", "gfp-fwd in AF_XDP mode on two veths, a UMEM per "
     "port: every frame copied (--xdp-umem port)",
     _veths("gfp-fwd", "xdp", ("--rxd", "4096", "--xdp-umem", "port"), "y"),
     "fwd-xdp", SimProfile(1.35, {"guest": 850.0}, ("guest",))),
    ("fwd-xdp-hold", "gfp-fwd in AF_XDP mode on two veths, receive hold "
     "50 us (--xdp-rx-hold 50)",
     _veths("gfp-fwd", "xdp", ("--rxd", "4096", "--xdp-rx-hold", "50"), "z"),
     "fwd-mmap", SimProfile(1.5, {"guest": 600.0}, ("guest",))),
    ("ovs-pmmap", "OVS-DPDK between two veths on net_pmmap ports",
     _ovs_ports("pmmap"), "ovs-system",
     SimProfile(1.5, {"ovs": 700.0}, ("ovs",))),
    ("ovs-pmmap-zc", "OVS-DPDK between two veths on net_pmmap ports "
     "handing OVS the ring's frames (zero_copy=1)", _ovs_ports("pmmap-zc"),
     "ovs-pmmap", SimProfile(1.5, {"ovs": 680.0}, ("ovs",))),
    ("ovs-system", "OVS-DPDK between two veths on system ports",
     _ovs_ports("system"), None,
     SimProfile(0.5, {"ovs": 2500.0})),
    ("ovs-afpacket", "OVS-DPDK between two veths on net_af_packet ports",
     _ovs_ports("afpacket"), "ovs-system",
     SimProfile(1.0, {"ovs": 1100.0}, ("ovs",))),
)

for _i, (_name, _desc, _make, _base, _sim) in enumerate(VARIANTS):
    register_path(_name, suite="components", description=_desc,
                  order=100 + _i, baseline=_base, simulated=_sim)(_make)
