"""The machinery the registered paths are built from, one file per kind
of seat: :mod:`.base` (what every real path shares: the generator, the
turns, a trial's bookkeeping), :mod:`.bridges` (Linux bridges in a host
namespace, a guest namespace), :mod:`.ovs_pair` (a gfp-pair on a
sandboxed OVS-DPDK), :mod:`.veths` (a guest application straight on two
veths), :mod:`.ovs_ports` (a sandboxed OVS-DPDK alone, its ports of one
type), :mod:`.direct` (an SR-IOV VF or spare PF).  A path module in
:mod:`gfp_bench.catalogue` picks a seat and its parameters."""
