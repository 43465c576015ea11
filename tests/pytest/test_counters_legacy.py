"""The legacy readers (gfp_bench.counters_legacy), kept while this
tree's gfp-ctl stats cannot read the kernel's namespaces: OVS's
dump-ports and pmd-perf-show (3.x and 4.x), gfp-fwd's counters.  Goes
with the module when the stats contract is merged."""

import pytest

from gfp_bench import counters_legacy


DUMP_PORTS = """\
OFPST_PORT reply (xid=0x4): 5 ports
  port LOCAL: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0
           tx pkts=0, bytes=0, drop=7, errs=0, coll=0
  port  1: rx pkts=1000, bytes=64000, drop=3, errs=0, frame=0, over=0, crc=0
           tx pkts=0, bytes=0, drop=0, errs=0, coll=0
  port  "g0": rx pkts=?, bytes=?, drop=?, errs=?, frame=?, over=?, crc=?
           tx pkts=997, bytes=63808, drop=5, errs=?, coll=?
  port  3: rx pkts=992, bytes=63488, drop=0, errs=0, frame=0, over=0, crc=0
           tx pkts=0, bytes=0, drop=0, errs=0, coll=0
  port  4: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, over=0, crc=0
           tx pkts=990, bytes=63360, drop=2, errs=0, coll=0
"""


def test_dump_ports_by_number_and_name():
    p = counters_legacy.parse_dump_ports(DUMP_PORTS)
    assert p["1"] == {"rx_packets": 1000, "rx_dropped": 3,
                      "tx_packets": 0, "tx_dropped": 0}
    # Unsupported counters ("?") read as 0; quoted names unquoted.
    assert p["g0"] == {"rx_packets": 0, "rx_dropped": 0,
                       "tx_packets": 997, "tx_dropped": 5}
    assert p["4"]["tx_dropped"] == 2
    assert p["LOCAL"]["tx_dropped"] == 7
    assert set(p) == {"LOCAL", "1", "g0", "3", "4"}


# OVS 3.1's pmd-perf-show -nh, one PMD thread with traffic.
PERF_3X = """
Time: 14:45:12.863
Measurement duration: 19.363 s

pmd thread numa_id 0 core_id 1:

  Iterations:            118608687  (0.16 us/it)
  - Used TSC cycles:   40493666283  ( 99.6 % of total cycles)
  - idle iterations:     118607860  ( 99.6 % of used cycles)
  - busy iterations:           827  (  0.4 % of used cycles)
  Rx packets:                40000  (2 Kpps, 4273 cycles/pkt)
  Datapath passes:           40000  (1.00 passes/pkt)
  - EMC hits:                    0  (  0.0 %)
  - Megaflow hits:              62  (  0.2 %, 1.00 subtbl lookups/hit)
  Tx packets:                40000  (2 Kpps)
  Tx batches:                 1268  (31.55 pkts/batch)
"""

# OVS 4.x: sleep lines, and a second, idle thread whose Rx line has no
# rate part.
PERF_4X = """
Time: 10:12:01.456
Measurement duration: 10.002 s

pmd thread numa_id 0 core_id 1:

  Iterations:             51724531  (0.19 us/it)
  - Used TSC cycles:   20950346776  ( 99.9 % of total cycles)
  - idle iterations:      51516630  ( 97.1 % of used cycles)
  - busy iterations:        207901  (  2.9 % of used cycles)
  - sleep iterations:         1200  (  0.0 % of iterations)
  Sleep time (us):           11640  ( 10 us/iteration avg.)
  Rx packets:              5000000  (500 Kpps, 121 cycles/pkt)
  Tx packets:              4999990  (500 Kpps)

Time: 10:12:01.456
Measurement duration: 10.002 s

pmd thread numa_id 0 core_id 3:

  Iterations:             52011873  (0.19 us/it)
  Rx packets:              1000000  (100 Kpps, 301 cycles/pkt)

pmd thread numa_id 1 core_id 9:

  Iterations:             52011873  (0.19 us/it)
  Rx packets:                    0
  Tx packets:                    0
"""


def test_pmd_perf_3x():
    assert counters_legacy.parse_pmd_perf(PERF_3X) == (40000, 4273.0)


def test_pmd_perf_4x_weighted_over_threads_that_received():
    packets, cpp = counters_legacy.parse_pmd_perf(PERF_4X)
    assert packets == 6000000
    assert cpp == pytest.approx((5e6 * 121 + 1e6 * 301) / 6e6)


def test_pmd_perf_nothing_received():
    assert counters_legacy.parse_pmd_perf("pmd thread numa_id 0 core_id 1:\n"
                                  "  Rx packets:   0\n") == (0, None)


def _port(rx, busy, **drops):
    total = {"rx_packets": rx, "busy_cycles": busy, "drop_tx_full": 0,
             "drop_no_mbuf": 0, "drop_too_big": 0, "drop_runt": 0}
    total.update(drops)
    return {"total": total}


def test_fwd_totals_counts_every_reason_and_the_device():
    stats = {"ports": [
        dict(_port(100, 5000, drop_runt=1),
             device={"rx_missed": 4, "rx_errors": 0, "tx_errors": 0}),
        dict(_port(0, 0, drop_tx_full=2, drop_too_big=3),
             device={"rx_missed": 0, "rx_errors": 0, "tx_errors": 6}),
    ]}
    assert counters_legacy.fwd_totals(stats) == {"rx": 100, "drops": 16,
                                         "busy_cycles": 5000}
