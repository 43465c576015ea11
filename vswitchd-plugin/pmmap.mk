# net_pmmap: the PacketMMAP DPDK driver (being built).
