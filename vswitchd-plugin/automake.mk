# The OVS-DPDK datapath extension: the net_pmmap DPDK driver (pmmap.mk) and
# ovs-vswitchd built from OVS source against the same libdpdk (ovs-build.mk).
EXTRA_DIST += vswitchd-plugin/README.rst
include vswitchd-plugin/pmmap.mk
include vswitchd-plugin/ovs-build.mk
