"""The real paths: each one a host+guest pair built on this host.

Every path has the same three parties, wired differently::

    gfp-pktgen --serve  ->  host switch  ->  guest forwarder  ->  host switch  ->  gfp-pktgen

* *vswitch-only*: two Linux bridges in a host namespace (gen <-> eth0 and
  eth1 <-> sink), the guest a namespace whose eth0/eth1 are veth peers of
  the bridges' ports, gfp-fwd in PacketMMAP mode on them;
* *guest-dpdk*: the same bridges, gfp-fwd in DPDK mode over net_af_packet
  on eth0/eth1 (see :data:`GUEST_PMD`);
* *host-dpdk*: a sandboxed OVS-DPDK (gfp-pair) whose g0/g1 are net_pmmap
  ports on veths to the guest namespace, gfp-fwd in PacketMMAP mode;
* *both*: the sandboxed OVS-DPDK with vhost-user ports, gfp-fwd in DPDK
  mode on virtio-user (the same virtio ring code as a VM's virtio-net);
* *reference*: the same with dpdk-testpmd (io forwarding) in the guest's
  seat;
* *direct*: an SR-IOV VF or spare PF with no switch; skipped with the
  reason where the host has none bound for DPDK.

The generator is one long-lived ``gfp-pktgen --serve`` per path, which
runs each trial on request, so a trial costs its duration and not a DPDK
start.  On the kernel paths it sends over net_pmmap (the plugin) on veths,
on the OVS paths over virtio-user on vhost-user ports.  CPU placement on
a two-core host: the guest's forwarder on CPU 0; the generator, OVS's PMD
thread and the kernel's switching (softirq of the sender) on CPU 1.  All
paths are set up at once and only the measured one runs: the others'
processes are stopped (SIGSTOP) between their turns.

Drops come from the counters of each hop, never by difference, so that
the report's "unaccounted" column is a real check: OVS's rx/tx dropped
(ovs-ofctl dump-ports, live), the kernel's per-interface dropped counters
(ip -s link), gfp-fwd's drop counters and its ports' device counters (the
PacketMMAP ring's kernel drops), and the sink's own misses.  testpmd keeps
no counter we can read per trial, so on *reference* the guest's hop is
OVS's g0 tx minus its g1 rx, said so in the hop's name.
"""

from __future__ import annotations

import atexit
import glob
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Dict, List, Optional, Sequence, Tuple

from .paths import PATH_CATALOGUE, Path, Skip, TrialResult

GUEST_PMD = "net_af_packet"
"""The guest-dpdk path's PMD.  net_af_packet works on any kernel interface
(a VM's virtio-net, a veth), needs no hugepages, no BPF program and no
XDP support in the driver; net_af_xdp on a veth runs in generic (copy)
mode, where it has no edge, and needs libxdp's program loaded per
interface.  So net_af_packet is the PMD a guest without a device to bind
actually uses."""

PG_MAC0 = "02:00:00:00:00:01"
PG_MAC1 = "02:00:00:00:00:02"
GUEST_MAC0 = "02:00:00:00:01:00"
GUEST_MAC1 = "02:00:00:00:01:01"
GUEST_CPU = 0
HOST_CPU = 1
FCS = 4
PMD_MAXSLEEP_US = int(os.environ.get("GFP_BENCH_PMD_MAXSLEEP", "500"))
READY_TIMEOUT = 60.0
STRAGGLER_ROUNDS = 3
STRAGGLER_MS = 200
CTL_TIMEOUT = 5.0

HERE = os.path.dirname(os.path.abspath(__file__))
# Hugepage memory, in MB, that each path which passed its prerequisites
# will take.
_HUGEPAGES_PROMISED: Dict[str, int] = {}


def _tool_dirs() -> List[str]:
    """Where gfp's programs are: $GFP_BIN_DIRS (colon-separated), the build
    tree's utilities/ and guest/ when this module runs from one, then
    $PATH."""
    dirs = [d for d in os.environ.get("GFP_BIN_DIRS", "").split(":") if d]
    top = os.path.dirname(os.path.dirname(HERE))
    if os.path.isfile(os.path.join(top, "utilities", "gfp-pair")):
        dirs += [os.path.join(top, "utilities"), os.path.join(top, "guest")]
    return dirs


def find_tool(name: str) -> Optional[str]:
    """The path of gfp's program ``name``, or None."""
    for d in _tool_dirs():
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def find_plugin() -> Optional[str]:
    """The net_pmmap plugin: $GFP_PMMAP_PLUGIN, the build tree's, the
    installed one."""
    top = os.path.dirname(os.path.dirname(HERE))
    for p in (os.environ.get("GFP_PMMAP_PLUGIN", ""),
              os.path.join(top, "vswitchd-plugin/.libs/librte_net_pmmap.so"),
              "/usr/local/lib/gfp/librte_net_pmmap.so",
              "/usr/lib/gfp/librte_net_pmmap.so"):
        if p and os.path.isfile(p):
            return p
    return None


def hugepages_free_mb() -> int:
    """Free hugepage memory, in MB (2 MB and 1 GB pages)."""
    total = 0
    for d in glob.glob("/sys/kernel/mm/hugepages/hugepages-*kB"):
        kb = int(re.search(r"(\d+)kB", d).group(1))
        try:
            with open(os.path.join(d, "free_hugepages")) as f:
                total += int(f.read()) * kb // 1024
        except OSError:
            pass
    return total


def run(cmd: Sequence[str], timeout: float = 30.0) -> str:
    """Runs ``cmd``; its output, or RuntimeError with its error."""
    try:
        # A session of its own, for this and what it leaves running (a
        # guest gfp-pair starts): Ctrl-C reaches gfp-bench alone, which
        # then tears everything down in order.
        p = subprocess.run(list(cmd), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True,
                           timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        raise RuntimeError("%s: no answer in %g s" % (" ".join(cmd), timeout))
    except OSError as e:
        raise RuntimeError("%s: %s" % (cmd[0], e))
    if p.returncode != 0:
        err = (p.stderr or p.stdout).strip().splitlines()
        raise RuntimeError("%s: %s" % (" ".join(cmd[:4]),
                                       err[-1] if err else
                                       "exit status %d" % p.returncode))
    return p.stdout


def eal_clean(prefix: str) -> None:
    """Removes the EAL runtime directory of PREFIX: the EAL leaves it
    behind when its process ends, --in-memory or not."""
    shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)


def tail(path: str, n: int = 3) -> str:
    """The last ``n`` lines of a log, for an error message."""
    try:
        with open(path, errors="replace") as f:
            return " | ".join(line.strip() for line in f.readlines()[-n:])
    except OSError:
        return "(no log)"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` (all its threads)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def softirq_seconds() -> float:
    """Time all CPUs spent in softirq (where the kernel switches)."""
    with open("/proc/stat") as f:
        fields = f.readline().split()
    return int(fields[7]) / os.sysconf("SC_CLK_TCK")


def _zombie(pid: int) -> bool:
    """True if ``pid`` has exited and awaits its parent."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def signal_pids(pids: Sequence[int], sig: int) -> None:
    """Sends ``sig`` to every live pid."""
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


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
    """``dpif-netdev/pmd-perf-show`` output (OVS 3.x and 4.x: one block per
    PMD thread with "Rx packets: N (R Kpps, C cycles/pkt)", the rate part
    absent when N is 0) -> (packets, cycles per packet weighted over the
    threads that received, or None)."""
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


def kernel_drops(netns: str) -> Dict[str, int]:
    """Per interface of ``netns``: its drop counters' sum."""
    return {k: v["drops"] for k, v in kernel_links(netns).items()}


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
    dropped (by its own reasons and by its ports' devices: a PacketMMAP
    ring's kernel drops, a PMD's misses), busy cycles."""
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


class Generator:
    """One ``gfp-pktgen --serve``: started once, a trial per request."""

    def __init__(self, argv: Sequence[str], log: str) -> None:
        self.log = log
        self.logf = open(log, "ab")
        self.proc = subprocess.Popen(list(argv), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self.logf, bufsize=0,
                                     start_new_session=True)
        self.pid = self.proc.pid
        ready = self._read(READY_TIMEOUT)
        if not ready.get("ready"):
            raise RuntimeError("gfp-pktgen did not start: %s" % ready)

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("gfp-pktgen: no answer in %g s: %s"
                                   % (timeout, tail(self.log)))
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                b = self.proc.stdout.read1(65536) if hasattr(
                    self.proc.stdout, "read1") else os.read(
                        self.proc.stdout.fileno(), 65536)
                if not b:
                    raise RuntimeError("gfp-pktgen exited: %s"
                                       % tail(self.log))
                line += b
        return json.loads(line)

    def trial(self, rate_pps: Optional[float], size: int, flows: int,
              duration_s: float) -> dict:
        """Runs one trial; gfp-pktgen's JSON."""
        rate = 0 if rate_pps is None else max(1, int(round(rate_pps)))
        req = "trial %d %d %d %d\n" % (rate, max(1, round(duration_s * 1000)),
                                       size - FCS, flows)
        self.proc.stdin.write(req.encode())
        res = self._read(duration_s + 30.0)
        if "error" in res:
            raise RuntimeError("gfp-pktgen: %s" % res["error"])
        return res

    def drain(self, ms: int) -> dict:
        """Counts ``ms`` ms more of what comes back into the last trial;
        gfp-pktgen's JSON of that trial, updated."""
        self.proc.stdin.write(b"drain %d\n" % ms)
        res = self._read(ms / 1000.0 + 30.0)
        if "error" in res:
            raise RuntimeError("gfp-pktgen: %s" % res["error"])
        return res

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b"quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


class RealPath(Path):
    """What every real path shares: a work directory, a generator, the
    processes to pause between turns, and the trial's bookkeeping."""

    needs_plugin = False
    needs_hugepages_mb = 0

    def __init__(self, name: str, workdir: str, sizes: Sequence[int],
                 flows: int) -> None:
        self.name = name
        self.description = PATH_CATALOGUE[name]
        self.work = os.path.join(workdir, name)
        self.mtu = 9000 if max(sizes) > 1518 else 1500
        self.max_size = max(sizes)
        self.flows = flows
        self.gen: Optional[Generator] = None
        self.pids: List[int] = []       # paused between turns
        self.components: Dict[str, int] = {}   # name -> pid, for CPU use
        self.logs: Dict[str, str] = {}         # name -> its log file
        self.plugin: Optional[str] = None

    # -- prerequisites --------------------------------------------------
    def prerequisites(self) -> Optional[str]:
        if os.geteuid() != 0:
            return "needs root (network namespaces, OVS-DPDK)"
        for tool in ("gfp-pktgen", "gfp-fwd"):
            if not find_tool(tool):
                return "%s not found: build the tree (utilities/gfp-setup)" \
                    % tool
        if self.needs_plugin and not find_plugin():
            return ("no net_pmmap plugin (build it: ./configure finds the "
                    "DPDK source gfp-setup fetches; or set GFP_PMMAP_PLUGIN)")
        if self.needs_hugepages_mb:
            # Paths are set up at once: what the paths checked before this
            # one will take is not free for it.
            free = hugepages_free_mb() - sum(
                mb for name, mb in _HUGEPAGES_PROMISED.items()
                if name != self.name)
            if free < self.needs_hugepages_mb:
                return ("needs %d MB of free hugepages, %d MB free beside "
                        "the other paths' (echo 2048 > "
                        "/proc/sys/vm/nr_hugepages; mount -t hugetlbfs "
                        "nodev /dev/hugepages)"
                        % (self.needs_hugepages_mb, max(free, 0)))
            _HUGEPAGES_PROMISED[self.name] = self.needs_hugepages_mb
        return None

    def _plugin_copy(self) -> Optional[str]:
        """The plugin, copied where the EAL accepts it (no world-writable
        directory on its way)."""
        src = find_plugin()
        if not src:
            return None
        dst = os.path.join(self.work, "librte_net_pmmap.so")
        shutil.copyfile(src, dst)
        return dst

    # -- turns ----------------------------------------------------------
    def activate(self) -> None:
        signal_pids(self.pids, signal.SIGCONT)
        time.sleep(0.05)

    def deactivate(self) -> None:
        signal_pids(self.pids, signal.SIGSTOP)

    # -- trials ---------------------------------------------------------
    def counters(self) -> Dict[str, float]:
        """Cumulative counters at this instant: hop drops and what the
        components say; subclasses fill it."""
        return {}

    def drops(self, before: Dict[str, float], after: Dict[str, float],
              pg: dict) -> Dict[str, int]:
        """Drops by hop over a trial."""
        hops = {k[len("drop:"):]: int(after[k] - before.get(k, 0))
                for k in after if k.startswith("drop:")}
        hops["sink"] = int(pg.get("rx_missed", 0))
        return {k: v for k, v in hops.items() if v}

    def cycles(self, before: Dict[str, float], after: Dict[str, float],
               pg: dict) -> Dict[str, float]:
        """Busy cycles per packet by component over a trial."""
        out = {}
        b_c = after.get("fwd_busy", 0) - before.get("fwd_busy", 0)
        b_p = after.get("fwd_rx", 0) - before.get("fwd_rx", 0)
        if b_p > 0:
            out["guest"] = b_c / b_p
        return out

    def trial(self, rate_pps: Optional[float], frame_size: int, flows: int,
              duration_s: float) -> TrialResult:
        assert self.gen is not None
        if frame_size > self.max_size:
            raise ValueError("frame size %d beyond the path's %d"
                             % (frame_size, self.max_size))
        pids = dict(self.components, generator=self.gen.pid)
        for what, pid in pids.items():
            if not os.path.exists("/proc/%d" % pid) or _zombie(pid):
                log = self.logs.get(what)
                raise RuntimeError("the path's %s (pid %d) is gone%s"
                                   % (what, pid, ": " + tail(log) if log
                                      else ""))
        before = self.counters()
        self.before_trial()
        cpu0 = {c: cpu_seconds(p) for c, p in pids.items()}
        soft0 = softirq_seconds()
        t0 = time.monotonic()
        pg = self.gen.trial(rate_pps, frame_size, flows, duration_s)
        wall = time.monotonic() - t0
        cpu = {c: (cpu_seconds(p) - cpu0[c]) / wall for c, p in pids.items()}
        if self.kernel_switch:
            cpu["kernel softirq"] = (softirq_seconds() - soft0) / wall
        after: Dict[str, float] = {}
        self.extra_after(after)
        after.update(self.counters())
        drops = self.drops(before, after, pg)
        # Frames still on their way when the sink stopped waiting (a
        # forwarder descheduled with a ring of them): wait for them a
        # little longer, counting them into this trial, before calling any
        # frame unaccounted.
        for _ in range(STRAGGLER_ROUNDS):
            if pg["tx_packets"] - pg["rx_ours"] <= sum(drops.values()):
                break
            pg = dict(self.gen.drain(STRAGGLER_MS), tx_seconds=pg["tx_seconds"])
            after.update(self.counters())
            drops = self.drops(before, after, pg)
        return TrialResult(
            rate_pps=rate_pps, frame_size=frame_size, flows=flows,
            duration_s=pg["tx_seconds"] or duration_s,
            sent=pg["tx_packets"], received=pg["rx_ours"],
            drops_by_hop=drops,
            latency_ns=list(pg["latency_ns"].get("cdf", [])),
            cpu_use=cpu,
            cycles_per_packet=self.cycles(before, after, pg))

    kernel_switch = False

    def before_trial(self) -> None:
        """Hook run just before the generator starts."""

    def extra_after(self, after: Dict[str, float]) -> None:
        """Hook for counters read only after a trial."""

    def _start_fwd(self, argv: Sequence[str], log: str,
                   ctl: str) -> subprocess.Popen:
        """Starts a guest forwarder; waits for its control socket."""
        logf = open(log, "ab")
        p = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=logf,
                             start_new_session=True)
        logf.close()
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise RuntimeError("the guest's gfp-fwd exited: %s"
                                   % tail(log))
            if os.path.exists(ctl):
                try:
                    fwd_stats(ctl)
                    return p
                except (OSError, ValueError, RuntimeError):
                    pass
            time.sleep(0.1)
        p.kill()
        raise RuntimeError("the guest's gfp-fwd did not start: %s"
                           % tail(log))

    @staticmethod
    def _stop_proc(p: Optional[subprocess.Popen]) -> None:
        if p is None or p.poll() is not None:
            return
        try:
            os.kill(p.pid, signal.SIGCONT)
        except ProcessLookupError:
            return
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class KernelSwitchPath(RealPath):
    """vswitch-only and guest-dpdk: Linux bridges in a host namespace."""

    kernel_switch = True

    def __init__(self, name: str, workdir: str, sizes: Sequence[int],
                 flows: int, guest_dpdk: bool) -> None:
        super().__init__(name, workdir, sizes, flows)
        self.guest_dpdk = guest_dpdk
        tag = "%d%s" % (os.getpid() % 100000, "d" if guest_dpdk else "k")
        self.tag = tag
        self.ns_h = "gfpb%sh" % tag
        self.ns_g = "gfpb%sg" % tag
        self.fwd: Optional[subprocess.Popen] = None
        self.ctl = os.path.join(self.work, "fwd.ctl")
        self.made_ns: List[str] = []

    def _veth(self, ns_a: str, a: str, ns_b: str, b: str) -> None:
        ta, tb = "gb%sa" % self.tag, "gb%sb" % self.tag
        run(["ip", "link", "add", ta, "type", "veth", "peer", "name", tb])
        for ns, tmp, final in ((ns_a, ta, a), (ns_b, tb, b)):
            run(["ip", "link", "set", tmp, "netns", ns])
            run(["ip", "-n", ns, "link", "set", tmp, "name", final])
            run(["ip", "netns", "exec", ns, "sysctl", "-qw",
                 "net.ipv6.conf.%s.disable_ipv6=1" % final])
            run(["ip", "-n", ns, "link", "set", final, "mtu", str(self.mtu),
                 "up"])

    def setup(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        for ns in (self.ns_h, self.ns_g):
            run(["ip", "netns", "add", ns])
            self.made_ns.append(ns)
            run(["ip", "-n", ns, "link", "set", "lo", "up"])
        h, g = self.ns_h, self.ns_g
        self._veth(h, "gen", h, "hgen")
        self._veth(h, "hsink", h, "sink")
        self._veth(h, "hg0", g, "eth0")
        self._veth(h, "hg1", g, "eth1")
        run(["ip", "-n", g, "link", "set", "eth0", "address", GUEST_MAC0])
        run(["ip", "-n", g, "link", "set", "eth1", "address", GUEST_MAC1])
        for br, ports in (("bra", ("hgen", "hg0")), ("brb", ("hg1", "hsink"))):
            try:
                run(["ip", "-n", h, "link", "add", br, "type", "bridge",
                     "forward_delay", "0", "stp_state", "0"])
            except RuntimeError as e:
                raise Skip("no Linux bridge here (%s)" % e)
            run(["ip", "netns", "exec", h, "sysctl", "-qw",
                 "net.ipv6.conf.%s.disable_ipv6=1" % br])
            for port in ports:
                run(["ip", "-n", h, "link", "set", port, "master", br])
            run(["ip", "-n", h, "link", "set", br, "mtu", str(self.mtu), "up"])
        # The generator's capacity: gen straight to sink, the switch
        # bypassed, with a tc redirect added for the measurement.
        run(["ip", "netns", "exec", h, "tc", "qdisc", "add", "dev", "hgen",
             "clsact"])
        self.plugin = self._plugin_copy()
        gen_dev = ("net_pmmap%d,iface=%s,qdisc_bypass=1" if self.plugin
                   else "net_af_packet%d,iface=%s")
        eal = ["ip", "netns", "exec", h, "taskset", "-c", str(HOST_CPU),
               find_tool("gfp-pktgen"), "-l", str(HOST_CPU), "--no-huge",
               "-m", "512", "--no-pci", "--no-telemetry",
               "--file-prefix", "gfpb%sp" % self.tag,
               "--vdev", gen_dev % (0, "gen"), "--vdev", gen_dev % (1, "sink")]
        if self.plugin:
            eal += ["-d", self.plugin]
        self._start_guest()
        self.gen = Generator(eal + [
            "--", "--serve", "--size", str(self.max_size - FCS),
            "--src-mac", PG_MAC0, "--dst-mac", GUEST_MAC0,
            "--drain-ms", "500", "--burst", "32"],
            os.path.join(self.work, "pktgen.log"))
        self.pids = [self.gen.pid, self.fwd.pid]
        self.components = {"guest": self.fwd.pid}
        self.logs = {"guest": os.path.join(self.work, "fwd.log"),
                     "generator": self.gen.log}
        # Idle until its turn: the other paths' trials must not compete
        # with these pollers.
        self.deactivate()

    def prerequisites(self) -> Optional[str]:
        why = super().prerequisites()
        if not why and self.guest_dpdk and self.mtu > 1500:
            why = ("DPDK 22.11's %s takes frames of at most 1518 bytes "
                   "(its max_rx_pktlen): no 9000-byte frames on this path; "
                   "measure it without 9000 in --sizes" % GUEST_PMD)
        return why

    def _start_guest(self) -> None:
        fwd = find_tool("gfp-fwd")
        base = ["ip", "netns", "exec", self.ns_g, "taskset", "-c",
                str(GUEST_CPU), fwd]
        opts = ["--ctl-socket", self.ctl, "--mtu", str(self.mtu),
                "--stats-file", os.path.join(self.work, "fwd.json")]
        if self.guest_dpdk:
            # net_af_packet's frames are 2 KB unless told otherwise.
            ring = (",blocksz=16384,framesz=16384,framecnt=512"
                    if self.mtu > 1500 else "")
            argv = base + [
                "--lcores", "0@%d,1@%d" % (GUEST_CPU, GUEST_CPU),
                "--no-huge", "-m", "512", "--no-pci", "--no-telemetry",
                "--file-prefix", "gfpb%sg" % self.tag,
                "--vdev", "%s0,iface=eth0%s" % (GUEST_PMD, ring),
                "--vdev", "%s1,iface=eth1%s" % (GUEST_PMD, ring), "--"] + opts
        else:
            argv = base + ["--", "--mode", "mmap", "--ifaces",
                           "eth0,eth1"] + opts
        self.fwd = self._start_fwd(argv, os.path.join(self.work, "fwd.log"),
                                   self.ctl)

    def counters(self) -> Dict[str, float]:
        c: Dict[str, float] = {}
        h = kernel_drops(self.ns_h)
        g = kernel_links(self.ns_g)
        c["drop:generator link"] = h.get("gen", 0) + h.get("sink", 0)
        c["drop:host bridges"] = sum(h.get(i, 0) for i in
                                     ("hgen", "bra", "hg0", "hg1", "brb",
                                      "hsink"))
        c["drop:guest kernel"] = g["eth0"]["drops"] + g["eth1"]["drops"]
        t = fwd_totals(fwd_stats(self.ctl))
        c["fwd_busy"], c["fwd_rx"] = t["busy_cycles"], t["rx"]
        if self.guest_dpdk:
            # DPDK 22.11's net_af_packet counts no drops of its receive
            # ring (PACKET_STATISTICS is never read): the guest's hop is
            # what its kernel interfaces took in and did not send on.
            c["drop:guest (eth0 rx - eth1 tx)"] = (
                g["eth0"]["rx_packets"] - g["eth1"]["tx_packets"])
        else:
            c["drop:guest"] = t["drops"]
        return c

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        h = self.ns_h
        run(["ip", "netns", "exec", h, "tc", "filter", "add", "dev", "hgen",
             "ingress", "protocol", "all", "u32", "match", "u32", "0", "0",
             "action", "mirred", "egress", "redirect", "dev", "hsink"])
        try:
            pg = self.gen.trial(None, frame_size, flows, duration_s)
        finally:
            run(["ip", "netns", "exec", h, "tc", "filter", "del", "dev",
                 "hgen", "ingress"])
        return pg["rx_ours"] / pg["tx_seconds"] if pg["tx_seconds"] else None

    def teardown(self) -> None:
        if self.gen:
            signal_pids([self.gen.pid], signal.SIGCONT)
            self.gen.close()
            self.gen = None
        self._stop_proc(self.fwd)
        self.fwd = None
        for ns in reversed(self.made_ns):
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
        self.made_ns = []
        for role in "pg":
            eal_clean("gfpb%s%s" % (self.tag, role))
        shutil.rmtree(self.work, ignore_errors=True)


class OvsPath(RealPath):
    """host-dpdk, both and reference: a gfp-pair on a sandboxed OVS-DPDK."""

    SOCKET_MEM = 512

    def __init__(self, name: str, workdir: str, sizes: Sequence[int],
                 flows: int, guest: str, app: str) -> None:
        super().__init__(name, workdir, sizes, flows)
        self.guest = guest          # "kernel" or "vhost"
        self.app = app              # "gfp-fwd" or "testpmd"
        self.pair = os.path.join(self.work, "pair")
        self.sb = os.path.join(self.pair, "sb")
        self.ctl = os.path.join(self.pair, "fwd.ctl")
        self.needs_plugin = guest == "kernel"
        guest_mem = 512 if guest == "vhost" else 0
        self.needs_hugepages_mb = self.SOCKET_MEM + 256 + guest_mem
        self.state: Dict[str, str] = {}
        self.tag = "%d%s" % (os.getpid() % 100000, name[0])

    def prerequisites(self) -> Optional[str]:
        why = super().prerequisites()
        if why:
            return why
        if self.app == "testpmd" and not shutil.which("dpdk-testpmd"):
            return "dpdk-testpmd not found (apt-get install dpdk)"
        for tool in ("gfp-pair", "gfp-sandbox"):
            if not find_tool(tool):
                return "%s not found" % tool
        return None

    def _pair(self, *args: str, timeout: float = 120.0) -> str:
        return run([find_tool("gfp-pair")] + list(args), timeout=timeout)

    def setup(self) -> None:
        os.makedirs(self.work, exist_ok=True)
        # The PMD thread shares its CPU with the generator on a small
        # host: it sleeps when it finds nothing (OVS >= 3.1).
        up = ["up", self.pair, "--mtu", str(self.mtu),
              "--socket-mem", str(self.SOCKET_MEM),
              "--pmd-maxsleep", str(PMD_MAXSLEEP_US)]
        if self.guest == "kernel":
            self.plugin = self._plugin_copy()
            up += ["--guest", "kernel", "--host-port", "pmmap",
                   "--plugin", self.plugin]
        self._pair(*up)
        start = ["guest-start", self.pair]
        if self.app == "testpmd":
            start += ["--app", "testpmd", "--", "--forward-mode=io"]
        else:
            start += ["--", "--ctl-socket", self.ctl]
        self._pair(*start)
        with open(os.path.join(self.sb, "gfp-sandbox.state")) as f:
            self.state = dict(line.rstrip("\n").split("=", 1)
                              for line in f if "=" in line)
        guest_pid = int(open(os.path.join(self.pair, "guest.pid")).read())
        ovs_pid = int(open(os.path.join(self.sb,
                                        "ovs-vswitchd.pid")).read())
        pktgen = find_tool("gfp-pktgen")
        eal = ["taskset", "-c", str(HOST_CPU), pktgen, "-l", str(HOST_CPU),
               "--no-pci", "--in-memory", "--single-file-segments",
               "--file-prefix", "gfpb%sp" % self.tag, "-m", "256",
               "--no-telemetry",
               "--vdev", "net_virtio_user0,path=%s/gen.sock,server=1,"
               "queue_size=4096,mac=%s" % (self.pair, PG_MAC0),
               "--vdev", "net_virtio_user1,path=%s/sink.sock,server=1,"
               "queue_size=4096,mac=%s" % (self.pair, PG_MAC1)]
        self.gen = Generator(eal + [
            "--", "--serve", "--size", str(self.max_size - FCS),
            "--src-mac", PG_MAC0, "--dst-mac", GUEST_MAC0,
            "--drain-ms", "500"], os.path.join(self.work, "pktgen.log"))
        self._wait_links(("gen", "sink"))
        # OVS drops what it must send to a vhost-user port before its PMD
        # threads have taken the port's queues: give them a moment.
        time.sleep(1.0)
        self.pids = [self.gen.pid, guest_pid, ovs_pid]
        self.components = {"guest": guest_pid, "ovs": ovs_pid}
        self.logs = {"guest": os.path.join(self.pair, "fwd.log"),
                     "ovs": os.path.join(self.sb, "ovs-vswitchd.log"),
                     "generator": self.gen.log}
        self.deactivate()

    def _wait_links(self, ports: Sequence[str]) -> None:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                state = run([find_tool("gfp-sandbox"), "vsctl", "--dir",
                             self.sb, "get", "Interface", port,
                             "link_state"]).strip()
                if state == "up":
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("OVS port %s stays %s" % (port, state))
                time.sleep(0.1)

    def _ofctl(self, *args: str) -> str:
        return run([self.state["OFCTL"], args[0],
                    "unix:%s/%s.mgmt" % (self.sb, self.state.get("BRIDGE",
                                                                 "br0"))]
                   + list(args[1:]))

    def _appctl(self, *args: str) -> str:
        return run([self.state["APPCTL"], "-t",
                    os.path.join(self.sb, "ovs-vswitchd.ctl")] + list(args))

    def counters(self) -> Dict[str, float]:
        ports = parse_dump_ports(self._ofctl("dump-ports"))
        by = {}
        for name, num in (("gen", "1"), ("g0", "2"), ("g1", "3"),
                          ("sink", "4")):
            by[name] = ports.get(num) or ports.get(name) or {}
        c: Dict[str, float] = {}
        c["drop:host OVS"] = (by["gen"].get("rx_dropped", 0)
                              + by["g0"].get("tx_dropped", 0)
                              + by["g1"].get("rx_dropped", 0)
                              + by["sink"].get("tx_dropped", 0))
        if self.app == "gfp-fwd":
            t = fwd_totals(fwd_stats(self.ctl))
            c["drop:guest"] = t["drops"]
            c["fwd_busy"], c["fwd_rx"] = t["busy_cycles"], t["rx"]
        else:
            c["drop:guest (OVS g0 tx - g1 rx)"] = (
                by["g0"].get("tx_packets", 0) - by["g1"].get("rx_packets", 0))
        if self.guest == "kernel":
            c["drop:guest kernel"] = sum(
                kernel_drops(self._guest_netns()).get(i, 0)
                for i in ("eth0", "eth1"))
        return c

    def before_trial(self) -> None:
        self._appctl("dpif-netdev/pmd-stats-clear")

    def _guest_netns(self) -> str:
        with open(os.path.join(self.pair, "guest-netns")) as f:
            return f.read().strip()

    def extra_after(self, after: Dict[str, float]) -> None:
        pkts, cpp = parse_pmd_perf(self._appctl("dpif-netdev/pmd-perf-show",
                                                "-nh"))
        if cpp is not None:
            after["ovs_cpp"] = cpp

    def cycles(self, before: Dict[str, float], after: Dict[str, float],
               pg: dict) -> Dict[str, float]:
        out = super().cycles(before, after, pg)
        if "ovs_cpp" in after:
            out["ovs"] = after["ovs_cpp"]
        return out

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        # The guest bypassed: OVS sends gen's frames straight to sink.
        # Above gfp-pair's flows, which have OpenFlow's default priority.
        self._ofctl("add-flow", "priority=40000,in_port=1,actions=output:4")
        try:
            pg = self.gen.trial(None, frame_size, flows, duration_s)
        finally:
            self._ofctl("del-flows", "--strict", "priority=40000,in_port=1")
        return pg["rx_ours"] / pg["tx_seconds"] if pg["tx_seconds"] else None

    def teardown(self) -> None:
        signal_pids(self.pids, signal.SIGCONT)
        if self.gen:
            self.gen.close()
            self.gen = None
        if os.path.exists(os.path.join(self.pair, "mtu")):
            subprocess.run([find_tool("gfp-pair"), "down", self.pair],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=120,
                           start_new_session=True)
        eal_clean("gfpb%sp" % self.tag)
        shutil.rmtree(self.work, ignore_errors=True)


class DirectPath(RealPath):
    """The iavf/i40e path with no vswitch: needs two DPDK-bound ports of an
    SR-IOV VF or PF pair cabled (or switched) back to back."""

    DRIVERS = ("vfio-pci", "igb_uio", "uio_pci_generic")

    def prerequisites(self) -> Optional[str]:
        bound = []
        for drv in self.DRIVERS:
            bound += [os.path.basename(d) for d in
                      glob.glob("/sys/bus/pci/drivers/%s/0000:*" % drv)]
        vfs = glob.glob("/sys/bus/pci/devices/*/physfn")
        if len(bound) < 4:
            return ("no SR-IOV VFs or spare PFs bound for DPDK here (%d "
                    "device(s) bound to %s; %d VF(s) on the host): the "
                    "direct path needs four ports in two links (generator "
                    "to guest, guest to sink), see gfp-bench(1)"
                    % (len(bound), "/".join(self.DRIVERS), len(vfs)))
        return ("%d DPDK-bound device(s) found (%s), but gfp-bench cannot "
                "tell which are linked to which: run the direct path by "
                "hand, see gfp-bench(1)"
                % (len(bound), ", ".join(sorted(bound)[:4])))

    def setup(self) -> None:
        raise Skip(self.prerequisites() or "not available")

    def teardown(self) -> None:
        pass

    def trial(self, rate_pps, frame_size, flows, duration_s):
        raise Skip("not available")


def make_paths(names: Sequence[str], config) -> Tuple[List[Path],
                                                      List[Tuple[str, str,
                                                                 str]]]:
    """The runnable paths for ``names``, and those that cannot be made."""
    workdir = tempfile.mkdtemp(prefix="gfp-bench.", dir="/run"
                               if os.access("/run", os.W_OK) else None)
    os.chmod(workdir, 0o755)
    atexit.register(shutil.rmtree, workdir, True)
    sizes, flows = config.sizes, config.flows
    paths: List[Path] = []
    for n in names:
        if n == "vswitch-only":
            paths.append(KernelSwitchPath(n, workdir, sizes, flows, False))
        elif n == "guest-dpdk":
            paths.append(KernelSwitchPath(n, workdir, sizes, flows, True))
        elif n == "host-dpdk":
            paths.append(OvsPath(n, workdir, sizes, flows, "kernel",
                                 "gfp-fwd"))
        elif n == "both":
            paths.append(OvsPath(n, workdir, sizes, flows, "vhost",
                                 "gfp-fwd"))
        elif n == "reference":
            paths.append(OvsPath(n, workdir, sizes, flows, "vhost",
                                 "testpmd"))
        elif n == "direct":
            paths.append(DirectPath(n, workdir, sizes, flows))
    return paths, []
