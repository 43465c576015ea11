# The OVS-DPDK datapath extension (net_pmmap) lands here; see
# Documentation/intro.rst.
EXTRA_DIST += vswitchd-plugin/README.rst
