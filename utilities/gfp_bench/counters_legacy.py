"""The counter readers gfp-bench had before ``gfp-ctl stats`` read the
kernel's namespaces (--netns, --no-ovs) and named every hop: used only
while this tree's gfp-ctl lacks those options (see
:func:`gfp_bench.counters.reader`).  Remove this module when the stats
contract is merged: Documentation/topics/gfp-bench-method.rst says what
replaced it."""

from __future__ import annotations

import json
import os
import re
import socket
from typing import Dict, Optional, Tuple

from .counters import CounterSpec, Snapshot
from .tools import run

CTL_TIMEOUT = 5.0


def parse_dump_ports(text: str) -> Dict[str, Dict[str, int]]:
    """``ovs-ofctl dump-ports`` output -> {port: {rx_packets, rx_dropped,
    tx_packets, tx_dropped}} keyed by the port's number or name as
    printed (quotes and LOCAL kept as they are)."""
    ports: Dict[str, Dict[str, int]] = {}
    cur: Optional[Dict[str, int]] = None
    for line in text.splitlines():
        m = re.match(r'\s*port\s+"?([^":]+)"?:\s*rx\s+(.*)', line)
        if m:
            cur = ports.setdefault(m.group(1).strip(), {})
            direction, rest = "rx", m.group(2)
        else:
            m = re.match(r"\s*tx\s+(.*)", line)
            if not m or cur is None:
                continue
            direction, rest = "tx", m.group(1)
        for key, value in re.findall(r"(\w+)=([0-9?]+)", rest):
            name = {"pkts": "packets", "drop": "dropped"}.get(key)
            if name:
                cur["%s_%s" % (direction, name)] = \
                    0 if value == "?" else int(value)
    return ports


def parse_pmd_perf(text: str) -> Tuple[int, Optional[float]]:
    """``dpif-netdev/pmd-perf-show`` output (OVS 3.x and 4.x) -> (packets,
    cycles per packet weighted over the threads that received, or
    None)."""
    packets = 0
    weighted = 0.0
    for m in re.finditer(r"Rx packets:\s+(\d+)(?:\s+\(([^)]*)\))?", text):
        n = int(m.group(1))
        c = re.search(r"([\d.]+)\s+cycles/pkt", m.group(2) or "")
        if n and c:
            packets += n
            weighted += n * float(c.group(1))
    return packets, (weighted / packets if packets else None)


def kernel_links(netns: str) -> Dict[str, Dict[str, int]]:
    """Per interface of ``netns``: "drops" (rx dropped + missed + tx
    dropped), "rx_packets", "tx_packets"."""
    out = run(["ip", "-n", netns, "-s", "-j", "link", "show"])
    links = {}
    for link in json.loads(out):
        st = link.get("stats64") or link.get("stats") or {}
        rx, tx = st.get("rx", {}), st.get("tx", {})
        links[link["ifname"]] = {
            "drops": (rx.get("dropped", 0) + rx.get("missed", 0)
                      + tx.get("dropped", 0)),
            "rx_packets": rx.get("packets", 0),
            "tx_packets": tx.get("packets", 0)}
    return links


def fwd_stats(sock_path: str) -> dict:
    """gfp-fwd's counters, from its control socket."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(CTL_TIMEOUT)
    try:
        s.connect(sock_path)
        s.sendall(b"stats\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    reply = json.loads(buf)
    if not reply.get("ok"):
        raise RuntimeError("gfp-fwd: stats: %s" % reply.get("error"))
    return reply["result"]


def fwd_totals(stats: dict) -> Dict[str, int]:
    """What gfp-fwd's counters say, summed over its ports: received,
    dropped (by its own reasons and by its ports' devices), busy
    cycles."""
    t = {"rx": 0, "drops": 0, "busy_cycles": 0}
    for port in stats["ports"]:
        tot = port["total"]
        t["rx"] += tot["rx_packets"]
        t["busy_cycles"] += tot["busy_cycles"]
        t["drops"] += (tot["drop_tx_full"] + tot["drop_no_mbuf"]
                       + tot["drop_too_big"] + tot["drop_runt"])
        dev = port.get("device") or {}
        t["drops"] += (dev.get("rx_missed", 0) + dev.get("rx_errors", 0)
                       + dev.get("tx_errors", 0))
    return t


class LegacyReader:
    """The same :class:`CounterSpec`, read tool by tool."""

    def __init__(self, spec: CounterSpec) -> None:
        self.spec = spec
        self.state: Dict[str, str] = {}
        if spec.sandbox:
            with open(os.path.join(spec.sandbox, "gfp-sandbox.state")) as f:
                self.state = dict(line.rstrip("\n").split("=", 1)
                                  for line in f if "=" in line)

    def _appctl(self, *args: str) -> str:
        return run([self.state["APPCTL"], "-t",
                    os.path.join(self.spec.sandbox, "ovs-vswitchd.ctl")]
                   + list(args))

    def _put(self, snap: Snapshot, key: str, drops: int, rx: int,
             tx: int) -> None:
        label = "drop:" + (self.spec.label(key) or key)
        if self.spec.is_covered(key):
            drops = 0
        snap[label] = snap.get(label, 0) + drops
        snap["rx_packets:" + key] = rx
        snap["tx_packets:" + key] = tx

    def read(self, clear: bool = False) -> Snapshot:
        spec = self.spec
        snap: Snapshot = {}
        if spec.sandbox:
            text = run([self.state["OFCTL"], "--names", "dump-ports",
                        "unix:%s/%s.mgmt" % (spec.sandbox,
                                             self.state.get("BRIDGE",
                                                            "br0"))])
            for name, c in parse_dump_ports(text).items():
                if name == "LOCAL":
                    continue
                self._put(snap, "ovs:" + name,
                          c.get("rx_dropped", 0) + c.get("tx_dropped", 0),
                          c.get("rx_packets", 0), c.get("tx_packets", 0))
            if spec.ovs_component and not clear:
                _, cpp = parse_pmd_perf(self._appctl(
                    "dpif-netdev/pmd-perf-show", "-nh"))
                if cpp is not None:
                    snap["cpp:" + spec.ovs_component] = cpp
        for ns in spec.netns:
            for name, c in kernel_links(ns).items():
                if name != "lo":
                    self._put(snap, "kernel:" + name, c["drops"],
                              c["rx_packets"], c["tx_packets"])
        if spec.fwd_socket:
            t = fwd_totals(fwd_stats(spec.fwd_socket))
            key = "drop:" + (spec.label("fwd:gfp-fwd") or "fwd:gfp-fwd")
            snap[key] = snap.get(key, 0) + t["drops"]
            if spec.fwd_component:
                snap["busy:" + spec.fwd_component] = t["busy_cycles"]
                snap["pkts:" + spec.fwd_component] = t["rx"]
        if clear and spec.sandbox and spec.ovs_component:
            self._appctl("dpif-netdev/pmd-stats-clear")
        for label, (into, out_of) in spec.through.items():
            snap["drop:" + label] = snap.get(into, 0) - snap.get(out_of, 0)
        return snap
