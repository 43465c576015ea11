# make ovs: ovs-vswitchd from OVS source against libdpdk (being built).
