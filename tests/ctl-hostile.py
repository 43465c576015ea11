#!/usr/bin/env python3
"""Hostile clients of gfp-fwd's control socket, for tests/ctl-hostile.at.

    ctl-hostile.py SOCKET PID ATTACK [ATTACK...]

Runs each ATTACK in turn against the gfp-fwd with process id PID serving
SOCKET, while a normal client asks "version" every 100 ms.  Prints one line
of exact results per attack (what the test compares) and, on stderr, the
timings: the normal client's slowest answer and gfp-fwd's memory.

Attacks:
  conns:N       N concurrent connections that say nothing
  longline      a 1 MiB line, then "version" on the same connection
  nonewline     1 MiB with no newline, then the end of input
  partial       "stats" with no newline, then the end of input
  garbage:SEED  256 KiB of random bytes, then "version"
  idle          a connection that says nothing until it is closed
  noread        requests pipelined by a client that never reads
  user:UID:GID:GROUPS:WORD  "WORD" from a process of that uid, gid and
                supplementary groups (comma-separated); prints the reply
  flood:SECS:RATES[:WAITPID]  a client that sends requests as fast as it
                can for SECS seconds, while gfp-fwd's rate lines go on in
                the file RATES; then, once process WAITPID is gone and still
                flooding, SIGTERM to gfp-fwd
"""

import json
import os
import random
import signal
import socket
import sys
import threading
import time

MIB = 1024 * 1024
MAX_LINE = 4095
LATENCY_LIMIT = 1.0


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def connect(path, timeout=5.0):
    """A connection to 'path', retrying while the listen queue is full (a
    connect with a timeout does not wait there)."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.001)


def send_all(s, data):
    """Sends 'data'; a server that closed the connection is for the reads
    that follow to show."""
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
    except (BrokenPipeError, ConnectionResetError):
        pass


def read_lines(s, timeout=5.0):
    """Every line until the end of input (or 'timeout' of silence)."""
    s.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data.split(b"\n")[:-1] if data else []


def parse(line):
    try:
        msg = json.loads(line)
    except ValueError:
        return None
    return msg if isinstance(msg, dict) else None


def error_of(line):
    msg = parse(line)
    if msg is None:
        return "not a JSON object: %r" % line[:60]
    return msg.get("error") if not msg.get("ok") else "ok"


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def alive(pid):
    """Whether 'pid' runs (a zombie does not).  The process may be reaped
    between the open and the read: the read then fails with ESRCH."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


class Prober(threading.Thread):
    """The normal client: "version" every 100 ms, each on a new
    connection."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.times = []
        self.failures = []

    def ask(self):
        """One "version" on a new connection: its reply line."""
        s = connect(self.path, LATENCY_LIMIT * 3)
        try:
            s.sendall(b"version\n")
        except (BrokenPipeError, ConnectionResetError):
            pass        # Evicted before the request: the reply says so.
        line = s.makefile("rb").readline()
        s.close()
        return line

    def run(self):
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                # In a storm of connections a new client that has not sent
                # its request yet is among the idlest, and may be evicted
                # (and told so): it asks again, as a client would; the
                # time counted is the whole time to its answer.
                line = self.ask()
                for _ in range(3):
                    if EVICTED not in line:
                        break
                    line = self.ask()
                if b'"program":"gfp-fwd"' not in line:
                    self.failures.append(line[:80])
            except OSError as e:
                self.failures.append(str(e))
            self.times.append(time.monotonic() - t0)
            self.stop.wait(0.1)

    def finish(self, name):
        self.stop.set()
        self.join()
        slow = [t for t in self.times if t > LATENCY_LIMIT]
        if self.times:
            log("%s: normal client: %d answers, slowest %.1f ms, median "
                "%.1f ms" % (name, len(self.times), max(self.times) * 1000,
                             sorted(self.times)[len(self.times) // 2] * 1000))
        if self.failures or slow or not self.times:
            return ("normal client: %d failed, %d slower than %.0f s: %s"
                    % (len(self.failures), len(slow), LATENCY_LIMIT,
                       self.failures[:3]))
        return "normal client: answered within 1 s"


EVICTED = b"too many clients, and this one was idle the longest"


def attack_conns(path, pid, n):
    n = int(n)
    socks = [connect(path) for _ in range(n)]
    # Accepted in order: once this one is answered, so were all 'n'.
    probe = connect(path)
    send_all(probe, b"version\n")
    answered = b'"program":"gfp-fwd"' in probe.makefile("rb").readline()
    probe.close()
    evicted = still = 0
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(4096)
        except BlockingIOError:
            data = b""
        if EVICTED not in data:
            # Not evicted yet (the prober's connections may still do it).
            s.settimeout(5)
            send_all(s, b"version\n")
            try:
                data = s.makefile("rb").readline()
            except OSError:
                data = b""
        if EVICTED in data:
            evicted += 1
        elif b'"program":"gfp-fwd"' in data:
            still += 1
        s.close()
    log("conns: %d evicted, %d still served" % (evicted, still))
    return ("conns: %d connected, one more answered: %s, at least %d "
            "evicted and told why: %s, all others still served: %s"
            % (n, answered, n - 64, evicted >= n - 64,
               evicted + still == n))


def attack_longline(path, pid):
    s = connect(path)
    send_all(s, b"x" * MIB + b"\nversion\n")
    lines = read_lines(s)
    s.close()
    return "longline: " + " | ".join(error_of(l) for l in lines)


def attack_nonewline(path, pid):
    s = connect(path)
    send_all(s, b"y" * MIB)
    lines = read_lines(s)
    s.close()
    return "nonewline: " + " | ".join(error_of(l) for l in lines)


def attack_partial(path, pid):
    s = connect(path)
    send_all(s, b"stats")
    lines = read_lines(s)
    s.close()
    return "partial: " + " | ".join(error_of(l) for l in lines)


def attack_garbage(path, pid, seed):
    rnd = random.Random(int(seed))
    data = bytes(rnd.getrandbits(8) for _ in range(256 * 1024)) + b"\n"
    # The server's rule: one reply per line, an overlong one included.
    expected = data.count(b"\n") + 1
    s = connect(path)
    send_all(s, data + b"version\n")
    lines = read_lines(s)
    s.close()
    bad = [l for l in lines if parse(l) is None]
    return ("garbage: %d lines, %d replies, %d not JSON objects, last: %s"
            % (expected, len(lines), len(bad),
               error_of(lines[-1]) if lines else None))


def attack_idle(path, pid):
    s = connect(path)
    t0 = time.monotonic()
    lines = read_lines(s, timeout=30)
    log("idle: closed after %.1f s" % (time.monotonic() - t0))
    s.close()
    return "idle: " + " | ".join(error_of(l) for l in lines)


def attack_noread(path, pid):
    rss0 = rss_kib(pid)
    s = connect(path)
    s.setblocking(False)
    sent = 0
    t0 = time.monotonic()
    closed = False
    # Sends until gfp-fwd closes the connection (its idle timeout).
    while time.monotonic() - t0 < 30:
        try:
            sent += s.send(b"stats\n" * 1000)
        except BlockingIOError:
            time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
    log("noread: %d bytes of requests sent; closed after %.1f s; gfp-fwd "
        "RSS %d -> %d KiB" % (sent, time.monotonic() - t0, rss0,
                              rss_kib(pid)))
    s.close()
    grew = rss_kib(pid) - rss0
    return ("noread: closed by gfp-fwd: %s, memory grew less than 8 MiB: %s"
            % (closed, grew < 8192))


def flooder(path, stop, counts):
    s = connect(path)
    f = s.makefile("rb")

    def reader():
        try:
            for _ in f:
                counts["replies"] += 1
        except (OSError, ValueError):
            pass

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    try:
        while not stop.is_set():
            s.sendall(b"version\nstats\nbogus\n" * 100)
            counts["sent"] += 300
    except OSError:
        pass
    s.close()


def attack_flood(path, pid, secs, rates, wait_pid=None):
    prober = Prober(path)
    stop = threading.Event()
    counts = {"sent": 0, "replies": 0}
    t = threading.Thread(target=flooder, args=(path, stop, counts),
                         daemon=True)
    t.start()
    time.sleep(0.5)
    prober.start()
    n0 = rate_lines(rates)
    time.sleep(float(secs))
    n1 = rate_lines(rates)
    probed = prober.finish("flood")
    # The traffic generator done, still flooding: SIGTERM.
    t0 = time.monotonic()
    while wait_pid and alive(int(wait_pid)) and time.monotonic() - t0 < 60:
        time.sleep(0.05)
    log("flood: %d requests sent, %d replies read, %d rate lines in %s s"
        % (counts["sent"], counts["replies"], n1 - n0, secs))
    t0 = time.monotonic()
    if not alive(pid):
        stop.set()
        return ("%s\nflood: gfp-fwd had exited before SIGTERM" % probed)
    os.kill(pid, signal.SIGTERM)
    while alive(pid) and time.monotonic() - t0 < 10:
        time.sleep(0.005)
    took = time.monotonic() - t0
    stop.set()
    log("flood: gfp-fwd stopped %.0f ms after SIGTERM" % (took * 1000))
    return ("%s\nflood: rate lines kept coming: %s, flooder served: %s, "
            "stopped within 1 s of SIGTERM: %s"
            % (probed, n1 - n0 >= 2 * (int(float(secs)) - 1),
               counts["replies"] > 0, took < 1.0))


def attack_user(path, pid, uid, gid, groups, word):
    child = os.fork()
    if not child:
        try:
            os.setgroups([int(g) for g in groups.split(",") if g])
            os.setgid(int(gid))
            os.setuid(int(uid))
            s = connect(path)
            try:
                s.sendall(word.encode() + b"\n")
            except BrokenPipeError:
                pass            # Refused already: the reply says why.
            print("user %s: %s" % (uid, s.makefile().readline().strip()))
        except OSError as e:
            print("user %s: %s" % (uid, e.strerror))
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(child, 0)
    return None


def rate_lines(path):
    """Rate lines so far: one per port (two here) per period."""
    with open(path, "rb") as f:
        return sum(1 for line in f if line.startswith(b"port "))


ATTACKS = {
    "conns": attack_conns,
    "longline": attack_longline,
    "nonewline": attack_nonewline,
    "partial": attack_partial,
    "garbage": attack_garbage,
    "idle": attack_idle,
    "noread": attack_noread,
    "flood": attack_flood,
}


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    path, pid = sys.argv[1], int(sys.argv[2])
    for spec in sys.argv[3:]:
        name, *args = spec.split(":")
        if name == "flood":
            print(attack_flood(path, pid, *args))
            continue
        elif name == "user":
            sys.stdout.flush()
            attack_user(path, pid, *args)
            continue
        prober = Prober(path)
        prober.start()
        print(ATTACKS[name](path, pid, *args))
        print(prober.finish(name))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
