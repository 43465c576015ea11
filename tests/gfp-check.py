#!/usr/bin/env python3
"""Checks the test suites apply to gfp's JSON outputs.

    gfp-check.py fwd STATS.json [PAIRS]
        Exact accounting in gfp-fwd's final counters: on every port pair,
        what one port received equals what its peer sent plus the drops
        counted by reason.  PAIRS is gfp-fwd's --pairs (default 0:1,
        2:3, ...).  Prints engine, ports and drivers.

    gfp-check.py hops DIR [--reset-held MAX]
        The demo's and the pair tests' per-hop view: DIR holds pktgen.json,
        fwd.json and ovs-{gen,g0,g1,sink}.json.  Prints one row per hop and
        checks that every packet sent is either received or counted as a
        drop on exactly one hop, and that adjacent hops agree.
        --reset-held: the guest's NICs were reset (a live switch across
        drivers); frames the host had put in a receive ring that the guest
        had not read yet, and frames the guest had put in a transmit ring
        that the host had not taken yet, are gone, and no side counts
        them: on the hop into the guest and on the hop out of it, a
        shortfall of 0 to MAX frames is printed as held at a reset, counted
        by difference, instead of a mismatch.

    gfp-check.py frames DIR SIZE MAX-LOSS-PERCENT
        After hops: every frame that arrived anywhere was SIZE bytes
        (bytes = SIZE x packets at the generator's sink and on both of
        gfp-fwd's ports), gfp-fwd counted no runt or oversize frame, and at
        most MAX-LOSS-PERCENT of what was sent went missing (counted as
        drops on a hop, which hops checks).

    gfp-check.py bench DIR PATH...
        A gfp-bench run's output in DIR: every report file is there and
        not empty, results.json is schema gfp-bench/1 and not simulated,
        each PATH ran (status ok; "PATH:skipped" for one that must be
        skipped with a reason), forwarded frames in every MRR trial, and
        in every trial of every path each frame sent was received or
        counted as dropped by a hop (unaccounted 0).  Prints a line per
        path.

    gfp-check.py get FILE.json PATH...
        Prints the values at dotted PATHs (list indexes are numbers).
"""
import json
import sys

DROPS_RX = ("drop_runt",)
DROPS_TX = ("drop_tx_full", "drop_too_big")


def fail(msg):
    print("gfp-check: " + msg, file=sys.stderr)
    sys.exit(1)


def check_drops(j):
    """Every "drops" is the sum of the counters "drop_reasons" names."""
    names = {"total": [], "device": []}
    for r in j["drop_reasons"]:
        names[r["in"]].append(r["counter"])

    def drops(obj, where):
        n = sum(obj[c] for c in names[where])
        if obj["drops"] != n:
            fail("%s drops %d is not the sum of its drop counters %d"
                 % (where, obj["drops"], n))
        return n
    all_drops = 0
    for p in j["ports"]:
        for q in p["queues"]:
            drops(q, "total")
        n = drops(p["total"], "total")
        if "device" in p:
            n += drops(p["device"], "device")
        if p["drops"] != n:
            fail("port %d drops %d != total's and device's %d"
                 % (p["id"], p["drops"], n))
        all_drops += n
    drops(j["total"], "total")
    if j["drops"] != all_drops:
        fail("drops %d != the ports' %d" % (j["drops"], all_drops))


def check_fwd(path, pairs_arg=None):
    j = json.load(open(path))
    check_drops(j)
    ports = {p["id"]: p for p in j["ports"]}
    if pairs_arg:
        pairs = [tuple(int(x) for x in p.split(":"))
                 for p in pairs_arg.split(",")]
    else:
        ids = sorted(ports)
        pairs = list(zip(ids[0::2], ids[1::2]))
    total_rx = 0
    for a, b in pairs:
        for src, dst in ((a, b), (b, a)):
            rx = ports[src]["total"]
            tx = ports[dst]["total"]
            if len(ports[src]["queues"]) != len(ports[dst]["queues"]):
                fail("ports %d and %d have different queue counts" % (src, dst))
            # Per queue: a queue's rx leaves on the same queue of the peer.
            for q, (qrx, qtx) in enumerate(zip(ports[src]["queues"],
                                               ports[dst]["queues"])):
                out = (qtx["tx_packets"] + sum(qtx[d] for d in DROPS_TX)
                       + sum(qrx[d] for d in DROPS_RX))
                if qrx["rx_packets"] != out:
                    fail("port %d queue %d received %d, port %d sent %d "
                         "plus drops %d" % (src, q, qrx["rx_packets"], dst,
                                            qtx["tx_packets"],
                                            out - qtx["tx_packets"]))
            for key in ("rx_packets", "tx_packets", "drop_tx_full",
                        "drop_too_big", "drop_runt", "rx_bytes"):
                s = sum(q[key] for q in ports[src if key.startswith("rx")
                                               or key == "drop_runt"
                                               else dst]["queues"])
                t = (rx if key.startswith("rx") or key == "drop_runt"
                     else tx)[key]
                if s != t:
                    fail("port total %s %d is not the sum of its queues %d"
                         % (key, t, s))
            total_rx += rx["rx_packets"]
    t = j["total"]
    if t["rx_packets"] != total_rx:
        fail("total rx %d != sum over ports %d" % (t["rx_packets"], total_rx))
    drops = sum(t[d] for d in DROPS_RX + DROPS_TX)
    if t["rx_packets"] != t["tx_packets"] + drops:
        fail("total: rx %d != tx %d + drops %d"
             % (t["rx_packets"], t["tx_packets"], drops))
    print("engine=%s ports=%d drivers=%s" % (
        j["engine"], len(ports),
        ",".join(sorted(set(p["driver"] for p in j["ports"])))))


def hops(d, reset_held=None):
    import os

    def ld(name):
        return json.load(open(os.path.join(d, name)))
    def delta(name):
        # This run's counters: after minus before, where a before exists.
        after = ld(name + ".json")
        if not os.path.exists(os.path.join(d, name + ".base.json")):
            return after
        base = ld(name + ".base.json")
        return {k: (v - (base.get(k) or 0) if isinstance(v, int) else v)
                for k, v in after.items()}

    pg, fwd = ld("pktgen.json"), ld("fwd.json")
    p0, p1 = fwd["ports"][0]["total"], fwd["ports"][1]["total"]
    fwd_drops = (p0["drop_runt"] + p1["drop_tx_full"] + p1["drop_too_big"])
    # Frames the guest's receive side dropped before gfp-fwd saw them (a
    # PacketMMAP ring that was full; a PMD's missed frames).
    xs = fwd["ports"][0].get("xstats", {})
    missed = xs.get("rx_missed_errors", xs.get("kernel_drops", 0))
    if os.path.exists(os.path.join(d, "kern-after.json")):
        # Kernel switching: the host's interfaces, this run only.
        a, b = ld("kern-after.json"), ld("kern-before.json")
        k = {i: {c: a[i][c] - b[i][c] for c in a[i]} for i in a}
        rows = [
            ("gfp-pktgen sent", pg["tx_packets"], 0),
            ("bridge port hgen rx", k["hgen"]["rx_packets"],
             k["hgen"]["rx_dropped"]),
            ("tap0 tx, to the guest", k["tap0"]["tx_packets"],
             k["tap0"]["tx_dropped"]),
            ("gfp-fwd port 0 rx", p0["rx_packets"], missed),
            ("gfp-fwd port 1 tx", p1["tx_packets"], fwd_drops),
            ("tap1 rx, from the guest", k["tap1"]["rx_packets"],
             k["tap1"]["rx_dropped"]),
            ("bridge port hsink tx", k["hsink"]["tx_packets"],
             k["hsink"]["tx_dropped"]),
            ("gfp-pktgen received", pg["rx_ours"], 0),
        ]
    else:
        ovs = {p: delta("ovs-" + p) for p in ("gen", "g0", "g1", "sink")}
        rows = [
            ("gfp-pktgen sent", pg["tx_packets"], 0),
            ("OVS gen rx", ovs["gen"]["rx_packets"],
             ovs["gen"]["rx_dropped"] or 0),
            ("OVS g0 tx, to the guest", ovs["g0"]["tx_packets"],
             ovs["g0"]["tx_dropped"]),
            ("gfp-fwd port 0 rx", p0["rx_packets"], missed),
            ("gfp-fwd port 1 tx", p1["tx_packets"], fwd_drops),
            ("OVS g1 rx, from the guest", ovs["g1"]["rx_packets"],
             ovs["g1"]["rx_dropped"] or 0),
            ("OVS sink tx", ovs["sink"]["tx_packets"],
             ovs["sink"]["tx_dropped"]),
            ("gfp-pktgen received", pg["rx_ours"], 0),
        ]
    print("%-28s %12s %10s" % ("hop", "packets", "drops"))
    for name, n, drop in rows:
        print("%-28s %12d %10d" % (name, n, drop))
    lat = pg["latency_ns"]
    print("sent %.3f Mpps, received %.3f Mpps (%d-byte frames, %d flows); "
          "latency p50 %.1f us, p99 %.1f us"
          % (pg["tx_mpps"], pg["rx_mpps"], pg["size"], pg["flows"],
             lat.get("p50", 0) / 1e3, lat.get("p99", 0) / 1e3))
    print("gfp-fwd: engine %s, %.1f cycles/packet"
          % (fwd["engine"], fwd["total"]["cycles_per_packet"]))
    if os.path.exists(os.path.join(d, "vm.json")):
        vm = ld("vm.json")
        print("guest: QEMU VM, accel %s%s" % (
            vm["accel"], " (TCG: rates and cycles are not comparable with "
            "KVM)" if vm["accel"] == "tcg" else ""))
    errors = []
    held = {}
    # The hops into and out of the guest's NICs, whose rings a reset
    # empties.
    ringed = {"gfp-fwd port 0 rx": "receive", "OVS g1 rx, from the guest":
              "transmit", "tap1 rx, from the guest": "transmit"}
    # What a hop passed on = what the next hop sent on + what it dropped.
    for (a, na, _), (b, nb, db) in zip(rows, rows[1:]):
        if (reset_held is not None and b in ringed
                and 0 <= na - nb - db <= reset_held):
            held[ringed[b]] = na - nb - db
        elif na != nb + db:
            errors.append("%s %d != %s %d + drops %d" % (a, na, b, nb, db))
    if reset_held is not None:
        for ring in ("receive", "transmit"):
            print("held in the guest's %s ring at its resets, counted by "
                  "difference: %d (at most %d)"
                  % (ring, held.get(ring, 0), reset_held))
    if pg["rx_other"]:
        errors.append("gfp-pktgen received %d foreign frames" % pg["rx_other"])
    lost = pg["tx_packets"] - pg["rx_ours"]
    counted = sum(r[2] for r in rows)
    print("sent - received = %d, drops counted on the hops = %d%s"
          % (lost, counted, ", held at resets = %d" % sum(held.values())
             if reset_held is not None else ""))
    for e in errors:
        print("MISMATCH: " + e)
    if errors:
        sys.exit(1)


def frames(d, size, max_loss):
    import os
    pg = json.load(open(os.path.join(d, "pktgen.json")))
    fwd = json.load(open(os.path.join(d, "fwd.json")))
    p0, p1 = fwd["ports"][0]["total"], fwd["ports"][1]["total"]
    errors = []
    for what, nbytes, npkts in (
            ("gfp-pktgen received", pg["rx_bytes"], pg["rx_ours"]),
            ("gfp-fwd port 0 received", p0["rx_bytes"], p0["rx_packets"]),
            ("gfp-fwd port 1 sent", p1["tx_bytes"], p1["tx_packets"])):
        if nbytes != size * npkts:
            errors.append("%s %d bytes in %d frames, not %d-byte frames"
                          % (what, nbytes, npkts, size))
    for key in ("drop_runt", "drop_too_big"):
        if p0[key] or p1[key]:
            errors.append("gfp-fwd counted %s: %d" % (key, p0[key] + p1[key]))
    lost = pg["tx_packets"] - pg["rx_ours"]
    print("sent %d, received %d %d-byte frames, lost %d (drops counted)"
          % (pg["tx_packets"], pg["rx_ours"], size, lost))
    if pg["tx_packets"] == 0 or lost * 100.0 > max_loss * pg["tx_packets"]:
        errors.append("lost %d of %d frames, more than %g%%"
                      % (lost, pg["tx_packets"], max_loss))
    for e in errors:
        print("MISMATCH: " + e)
    if errors:
        sys.exit(1)


BENCH_FILES = ("results.json", "results.csv", "report.md", "throughput.png",
               "throughput.svg", "latency-cdf.png", "latency-cdf.svg")


def bench(d, expected):
    import os
    for f in BENCH_FILES:
        p = os.path.join(d, f)
        if not os.path.isfile(p) or os.path.getsize(p) == 0:
            fail("gfp-bench left no %s in %s" % (f, d))
    doc = json.load(open(os.path.join(d, "results.json")))
    if doc.get("schema") != "gfp-bench/1" or doc.get("simulated"):
        fail("results.json: schema %r, simulated %r"
             % (doc.get("schema"), doc.get("simulated")))
    paths = {p["name"]: p for p in doc["paths"]}
    errors = []
    for want in expected:
        name, _, status = want.partition(":")
        status = status or "ok"
        p = paths.get(name)
        if p is None:
            errors.append("%s: not in the results" % name)
            continue
        if p["status"] != status:
            errors.append("%s: status %s (%s), expected %s"
                          % (name, p["status"], p.get("reason"), status))
            continue
        if status != "ok":
            if not p.get("reason"):
                errors.append("%s: %s without a reason" % (name, status))
            print("%s: %s: %s" % (name, status, p["reason"]))
            continue
        n = sent = received = dropped = 0
        for size in p["sizes"]:
            for t in size["trials"]:
                n += 1
                drops = sum(t["drops_by_hop"].values())
                if t["sent"] - t["received"] != drops or t["sent"] <= 0:
                    errors.append(
                        "%s %dB %s trial: sent %d, received %d, dropped "
                        "by hop %s, unaccounted %d"
                        % (name, size["frame_size"], t["kind"], t["sent"],
                           t["received"], t["drops_by_hop"],
                           t["unaccounted"]))
                if t["kind"] == "mrr" and t["received"] <= 0:
                    errors.append("%s %dB: the MRR trial forwarded nothing"
                                  % (name, size["frame_size"]))
                sent += t["sent"]
                received += t["received"]
                dropped += drops
            if not size["mrr_pps"]["n"]:
                errors.append("%s %dB: no MRR" % (name, size["frame_size"]))
        print("%s: ok: %d trials, sent %d = received %d + dropped %d"
              % (name, n, sent, received, dropped))
    for e in errors:
        print("MISMATCH: " + e)
    if errors:
        sys.exit(1)


def get(path, keys):
    j = json.load(open(path))
    for key in keys:
        v = j
        for part in key.split("."):
            v = v[int(part)] if isinstance(v, list) else v[part]
        print(v)


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "fwd":
        check_fwd(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    elif len(sys.argv) == 3 and sys.argv[1] == "hops":
        hops(sys.argv[2])
    elif (len(sys.argv) == 5 and sys.argv[1] == "hops"
          and sys.argv[3] == "--reset-held" and sys.argv[4].isdigit()):
        hops(sys.argv[2], int(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "frames":
        frames(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "bench":
        bench(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) >= 4 and sys.argv[1] == "get":
        get(sys.argv[2], sys.argv[3:])
    else:
        fail("usage: gfp-check.py fwd STATS [PAIRS] "
             "| hops DIR [--reset-held MAX] "
             "| frames DIR SIZE MAX-LOSS-PERCENT | bench DIR PATH... "
             "| get FILE PATH...")


if __name__ == "__main__":
    main()
