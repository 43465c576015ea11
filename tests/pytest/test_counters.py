"""gfp_bench.counters against a recorded ``gfp-ctl stats --json`` pair
of readings that follows the stats contract (data/stats-host-dpdk.json:
a host-dpdk trial, before and after): the hops grouped under the bench's
labels, the trial's drops and cycles, the command line, the choice of
reader."""

import json
import os
import stat

import pytest

from gfp_bench import counters
from gfp_bench.counters import CounterSpec

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                    "stats-host-dpdk.json")

SPEC = CounterSpec(
    sandbox="/run/x/pair/sb", netns=("g",), fwd_socket="/run/x/fwd.ctl",
    labels={"ovs:gen": "host OVS", "ovs:g0": "host OVS",
            "ovs:g1": "host OVS", "ovs:sink": "host OVS",
            "ovs-pmd:*": "host OVS", "fwd:*": "guest",
            "kernel:eth0": "guest kernel", "kernel:eth1": "guest kernel"},
    fwd_component="guest", ovs_component="ovs")


@pytest.fixture
def readings():
    with open(DATA) as f:
        doc = json.load(f)
    return doc["before"], doc["after"]


def test_hops_grouped_under_the_bench_labels(readings):
    before, after = readings
    b = counters.snapshot(before, SPEC)
    a = counters.snapshot(after, SPEC)
    # The "before" reading cleared the PMD counters: its lost upcalls
    # (2) are not a baseline for the next reading.
    assert b["drop:host OVS"] == 0
    assert a["drop:host OVS"] == 30
    assert (b["drop:guest"], a["drop:guest"]) == (5, 45)
    assert (b["drop:guest kernel"], a["drop:guest kernel"]) == (0, 20)
    # lo is not mapped: under its own id, with nothing dropped.
    assert a["drop:kernel:g/lo"] == 0


def test_trial_drops_and_exact_accounting(readings):
    before, after = readings
    b = counters.snapshot(before, SPEC)
    a = counters.snapshot(after, SPEC)
    pg = {"tx_packets": 10000, "rx_ours": 9910, "rx_missed": 0}
    drops = counters.drops(b, a, pg)
    assert drops == {"host OVS": 30, "guest": 40, "guest kernel": 20}
    assert pg["tx_packets"] - pg["rx_ours"] == sum(drops.values())
    # The sink's own misses are a hop of their own.
    assert counters.drops(b, a, dict(pg, rx_missed=3))["sink"] == 3


def test_trial_cycles(readings):
    before, after = readings
    c = counters.cycles(counters.snapshot(before, SPEC),
                        counters.snapshot(after, SPEC))
    # gfp-fwd: busy cycles over packets received, as a difference;
    # OVS: the PMD totals since the "before" reading cleared them.
    assert c == {"guest": pytest.approx(300.0), "ovs": 150.0}


def test_a_hop_no_counter_sees(readings):
    _, after = readings
    spec = CounterSpec(sandbox="/sb", labels={"ovs:*": "host OVS"},
                       through={"guest (OVS g0 tx - g1 rx)":
                                ("tx_packets:ovs:g0", "rx_packets:ovs:g1")})
    a = counters.snapshot(after, spec)
    assert a["drop:guest (OVS g0 tx - g1 rx)"] == 10970 - 10900
    # Unmapped kinds keep their ids: nothing is lost.
    assert "drop:fwd:eth1" in a


def test_unreachable_fwd_has_no_cycles(readings):
    _, after = readings
    after = dict(after, fwd={"reachable": False, "socket": "/x",
                             "error": "connection refused"})
    a = counters.snapshot(after, SPEC)
    assert "busy:guest" not in a and "pkts:guest" not in a


@pytest.mark.parametrize("spec, clear, argv", [
    (SPEC, True, ["-c", "-s", "/run/x/fwd.ctl", "stats", "--json",
                  "--sandbox", "/run/x/pair/sb", "--clear-pmd",
                  "--netns", "g"]),
    (SPEC, False, ["-c", "-s", "/run/x/fwd.ctl", "stats", "--json",
                   "--sandbox", "/run/x/pair/sb", "--netns", "g"]),
    (CounterSpec(netns=("h", "g")), True,
     ["-c", "stats", "--json", "--no-ovs", "--netns", "h", "--netns", "g",
      "--no-fwd"]),
])
def test_command_line(spec, clear, argv):
    assert spec.argv(clear) == argv


def _fake_ctl(tmp_path, usage, doc):
    script = tmp_path / "gfp-ctl"
    (tmp_path / "doc.json").write_text(json.dumps(doc))
    script.write_text("#!/bin/sh\n"
                      "case \"$*\" in *--help*) echo '%s';; "
                      "*) cat %s;; esac\n" % (usage, tmp_path / "doc.json"))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_reader_runs_gfp_ctl_once(tmp_path, monkeypatch, readings):
    _, after = readings
    ctl = _fake_ctl(tmp_path, "usage: stats [--no-ovs] [--netns NS]", after)
    monkeypatch.setattr(counters, "need_tool", lambda name: ctl)
    r = counters.reader(SPEC)
    assert isinstance(r, counters.Reader)
    assert r.read()["drop:guest"] == 45


def test_hops_inside_a_counted_segment_are_not_counted_twice(readings):
    _, after = readings
    spec = CounterSpec(sandbox="/sb", labels={"ovs:*": "host OVS"},
                       through={"OVS (g0 tx - g1 rx)":
                                ("tx_packets:ovs:g0", "rx_packets:ovs:g1")},
                       covered=("ovs:g0", "ovs-pmd:*"))
    a = counters.snapshot(after, spec)
    # g0's own 30 drops are inside the segment: only the difference.
    assert a["drop:host OVS"] == 0
    assert a["drop:OVS (g0 tx - g1 rx)"] == 70
