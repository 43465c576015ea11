"""Each trial's per-hop counters, read through ``gfp-ctl stats --json``.

gfp-bench parses no OVS output and sums no drop counters of its own:
gfp-ctl stats reads OVS (its interfaces and PMD threads), the kernel's
interfaces in the namespaces named, and gfp-fwd's control socket, and
says which hop dropped what (its "hops").  This module only asks it, and
maps its hops onto the names the bench reports ("host OVS", "guest",
...), as a path's :class:`CounterSpec` says.

A :data:`Snapshot` is a flat dict of cumulative counts at one instant:

* ``drop:LABEL``: frames the hops mapped to LABEL dropped;
* ``busy:COMP`` and ``pkts:COMP``: busy cycles and packets of a
  component, for its cycles per packet over a trial.

The difference of two snapshots is a trial's (:func:`drops`,
:func:`cycles`).
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from typing import Dict, List, Mapping, Optional, Tuple

from .tools import need_tool, run

Snapshot = Dict[str, float]
CTL_TIMEOUT = 10.0
GUEST_TIMEOUT = 30.0
"""A guest's reading goes through the VM's agent; under TCG, with a
polling gfp-fwd on the same vCPU, it takes a second or two."""


@dataclasses.dataclass(frozen=True)
class CounterSpec:
    """What a path's counters are and what the bench calls each hop.

    ``labels`` maps hop keys (:func:`hop_key`: "ovs:g0", "ovs-pmd:*",
    "kernel:eth0", "fwd:*"; a "*" stands for any hop of that kind) to
    the bench's hop labels; a hop not mapped is reported under its own
    id, so that no drop is ever lost.  ``fwd_component`` names the
    component whose busy cycles gfp-fwd's counters give ("guest");
    ``ovs_component`` the one of OVS's PMD threads ("ovs").  ``through``
    names a hop whose drops no counter sees (dpdk-testpmd, DPDK 22.11's
    net_af_packet): LABEL -> (INTO, OUT_OF), "COUNTER:HOP" each (say
    "tx_packets:ovs:g0", what OVS sent into the guest, and
    "rx_packets:ovs:g1", what it got back), the hop's drops their
    difference.  ``covered`` names the hops (keys, "*" allowed) inside
    such a segment: their own drops are in the difference already, so
    they are left out, not counted twice.  ``guest_vm`` is the directory
    of a VM (gfp-vm) whose gfp-fwd ``fwd_socket`` is a path inside it:
    that gfp-fwd is read by the guest's own ``gfp-ctl stats --json``
    through ``gfp-vm run``, and its hops and counters join the host's
    reading (one document, one parser).
    """

    sandbox: Optional[str] = None
    netns: Tuple[str, ...] = ()
    fwd_socket: Optional[str] = None
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    fwd_component: Optional[str] = None
    ovs_component: Optional[str] = None
    through: Mapping[str, Tuple[str, str]] = dataclasses.field(
        default_factory=dict)
    covered: Tuple[str, ...] = ()
    guest_vm: Optional[str] = None

    def argv(self, clear: bool = False) -> List[str]:
        """The gfp-ctl command line that reads these counters (and then
        clears OVS's PMD counters, if ``clear``); with ``guest_vm``, the
        host's part only."""
        argv = ["-c"]
        fwd = self.fwd_socket if not self.guest_vm else None
        if fwd:
            argv += ["-s", fwd]
        argv += ["stats", "--json"]
        if self.sandbox:
            argv += ["--sandbox", self.sandbox]
            if clear and self.ovs_component:
                argv.append("--clear-pmd")
        else:
            argv.append("--no-ovs")
        for ns in self.netns:
            argv += ["--netns", ns]
        if not fwd:
            argv.append("--no-fwd")
        return argv

    def guest_argv(self) -> Optional[List[str]]:
        """The gfp-ctl command line the VM runs (None: nothing to read
        in the guest)."""
        if not self.guest_vm or not self.fwd_socket:
            return None
        return ["-c", "-s", self.fwd_socket, "stats", "--json", "--no-ovs"]

    def label(self, key: str) -> Optional[str]:
        """The bench's label of hop ``key``, or None if not mapped."""
        if key in self.labels:
            return self.labels[key]
        return self.labels.get(key.split(":", 1)[0] + ":*")

    def is_covered(self, key: str) -> bool:
        """True if a hop no counter sees already counts ``key``'s drops."""
        return (key in self.covered
                or key.split(":", 1)[0] + ":*" in self.covered)


_KIND_PREFIX = {"ovs-interface": "ovs", "ovs-pmd": "ovs-pmd",
                "fwd-port": "fwd", "kernel-interface": "kernel"}


def hop_key(hop: Mapping) -> str:
    """A hop of gfp-ctl stats as the specs name it: "ovs:IFACE",
    "ovs-pmd:THREAD", "fwd:PORT", "kernel:IF" (the namespace left out:
    its name is made per run, its interfaces' are not)."""
    return "%s:%s" % (_KIND_PREFIX.get(hop["kind"], hop["kind"]), hop["hop"])


def snapshot(doc: Mapping, spec: CounterSpec) -> Snapshot:
    """A gfp-ctl stats JSON document -> the bench's snapshot.  The drop
    counts are gfp-ctl's ("dropped" of each hop); this only groups them
    under the bench's labels."""
    snap: Snapshot = {}
    ovs = doc.get("ovs") or {}
    for hop in doc.get("hops") or []:
        key = hop_key(hop)
        label = "drop:" + (spec.label(key) or hop["id"])
        dropped = hop["dropped"]
        if spec.is_covered(key) or (hop["kind"] == "ovs-pmd"
                                    and ovs.get("pmd_cleared")):
            dropped = 0     # cleared right after this reading
        snap[label] = snap.get(label, 0) + dropped
        for counter in ("rx_packets", "tx_packets"):
            if hop.get(counter) is not None:
                snap["%s:%s" % (counter, key)] = hop[counter]
    for label, (into, out_of) in spec.through.items():
        snap["drop:" + label] = snap.get(into, 0) - snap.get(out_of, 0)
    fwd = doc.get("fwd") or {}
    if spec.fwd_component and fwd.get("reachable"):
        snap["busy:" + spec.fwd_component] = fwd["totals"]["busy_cycles"]
        snap["pkts:" + spec.fwd_component] = fwd["totals"]["rx_packets"]
    totals = ovs.get("pmd_totals") or {}
    if spec.ovs_component and not ovs.get("pmd_cleared") and \
            totals.get("cycles_per_packet") is not None:
        # Since the "before" reading cleared them: this trial's.
        snap["cpp:" + spec.ovs_component] = totals["cycles_per_packet"]
    return snap


class Reader:
    """Reads a path's snapshot with one ``gfp-ctl stats --json``."""

    def __init__(self, spec: CounterSpec) -> None:
        self.spec = spec

    def read(self, clear: bool = False) -> Snapshot:
        """The counters now; with ``clear``, OVS's PMD counters are
        cleared right after (the reading before a trial)."""
        out = run([need_tool("gfp-ctl")] + self.spec.argv(clear),
                  timeout=CTL_TIMEOUT)
        doc = json.loads(out)
        guest = self.spec.guest_argv()
        if guest:
            text = run([need_tool("gfp-vm"), "run", self.spec.guest_vm,
                        "--timeout", str(int(GUEST_TIMEOUT)),
                        # Its stdout is the JSON alone; an error its
                        # output.
                        "%s 2>/run/gfp/ctl.err || { cat /run/gfp/ctl.err; "
                        "exit 1; }" % " ".join(["gfp-ctl"] + [
                            shlex.quote(w) for w in guest])],
                       timeout=GUEST_TIMEOUT + 35)
            doc = merge(doc, json.loads(text))
        return snapshot(doc, self.spec)


def merge(host: Mapping, guest: Mapping) -> Dict:
    """The host's reading and the guest's as one document: the hops of
    both, gfp-fwd's counters from the guest."""
    doc = dict(host)
    doc["hops"] = list(host.get("hops") or []) + list(guest.get("hops")
                                                      or [])
    doc["fwd"] = guest.get("fwd")
    return doc


def drops(before: Snapshot, after: Snapshot, pg: Mapping) -> Dict[str, int]:
    """Drops by hop over a trial, the sink's own misses included; hops
    that dropped nothing left out."""
    hops = {k[len("drop:"):]: int(after[k] - before.get(k, 0))
            for k in after if k.startswith("drop:")}
    hops["sink"] = int(pg.get("rx_missed", 0))
    return {k: v for k, v in hops.items() if v}


def cycles(before: Snapshot, after: Snapshot) -> Dict[str, float]:
    """Busy cycles per packet by component over a trial."""
    out: Dict[str, float] = {}
    for key in after:
        if key.startswith("cpp:"):
            out[key[4:]] = after[key]
        if not key.startswith("busy:"):
            continue
        comp = key[5:]
        pkts = after.get("pkts:" + comp, 0) - before.get("pkts:" + comp, 0)
        if pkts > 0:
            out[comp] = (after[key] - before.get(key, 0)) / pkts
    return out



def reader(spec: CounterSpec):
    """The reader of ``spec``."""
    return Reader(spec)
