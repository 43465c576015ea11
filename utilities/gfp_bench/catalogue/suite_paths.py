"""The paths suite: the four ways a packet reaches a guest's forwarder
(kernel or OVS-DPDK on the host, PacketMMAP or DPDK in the guest), the
testpmd reference and the direct path, each against vswitch-only."""

from ..registry import register_suite

register_suite("paths", "generator -> host switch -> guest forwarder -> "
               "host switch -> sink, by host and guest packet I/O", 0)
