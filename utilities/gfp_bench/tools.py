"""Tool lookup and process control for the real paths: where gfp's
programs and the net_pmmap plugin are, running a command with one error
policy, and the bookkeeping of the processes a path starts (CPU time,
liveness, pausing between turns)."""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import subprocess
import time
from typing import List, Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def _tool_dirs() -> List[str]:
    """Where gfp's programs are: $GFP_BIN_DIRS (colon-separated), the build
    tree's utilities/ and guest/ when this module runs from one, then
    $PATH."""
    dirs = [d for d in os.environ.get("GFP_BIN_DIRS", "").split(":") if d]
    if os.path.isfile(os.path.join(TOP, "utilities", "gfp-pair")):
        dirs += [os.path.join(TOP, "utilities"), os.path.join(TOP, "guest")]
    return dirs


def find_tool(name: str) -> Optional[str]:
    """The path of gfp's program ``name``, or None."""
    for d in _tool_dirs():
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def need_tool(name: str) -> str:
    """The path of ``name``; RuntimeError naming it if it is not found."""
    p = find_tool(name)
    if not p:
        raise RuntimeError("%s not found: build the tree (utilities/"
                           "gfp-setup)" % name)
    return p


def find_plugin() -> Optional[str]:
    """The net_pmmap plugin: $GFP_PMMAP_PLUGIN, the build tree's, the
    installed one."""
    for p in (os.environ.get("GFP_PMMAP_PLUGIN", ""),
              os.path.join(TOP, "vswitchd-plugin/.libs/librte_net_pmmap.so"),
              "/usr/local/lib/gfp/librte_net_pmmap.so",
              "/usr/lib/gfp/librte_net_pmmap.so"):
        if p and os.path.isfile(p):
            return p
    return None


def copy_plugin(work: str) -> Optional[str]:
    """The plugin, copied into ``work`` where the EAL accepts it (no
    world-writable directory on its way); None if there is none."""
    src = find_plugin()
    if not src:
        return None
    dst = os.path.join(work, "librte_net_pmmap.so")
    shutil.copyfile(src, dst)
    return dst


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


def tail(path: Optional[str], n: int = 3) -> str:
    """The last ``n`` lines of a log, for an error message."""
    if not path:
        return "(no log)"
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


def gone(pid: int) -> bool:
    """True if ``pid`` no longer runs (no such process, or a zombie)."""
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


def start(argv: Sequence[str], log: str,
          stdout: bool = False) -> subprocess.Popen:
    """Starts ``argv`` in a session of its own, stderr (and stdout, if
    asked) into ``log``."""
    with open(log, "ab") as logf:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL,
                                stdout=logf if stdout else
                                subprocess.DEVNULL, stderr=logf,
                                start_new_session=True)


def stop(p: Optional[subprocess.Popen]) -> None:
    """Ends a process started by :func:`start` (resumed first if paused)."""
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


def wait_for(check, what: str, log: Optional[str],
             p: Optional[subprocess.Popen] = None,
             timeout: float = 60.0) -> None:
    """Polls ``check()`` until it is true; RuntimeError naming ``what``
    if ``p`` exits first or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p is not None and p.poll() is not None:
            raise RuntimeError("%s exited: %s" % (what, tail(log)))
        try:
            if check():
                return
        except (OSError, ValueError, RuntimeError):
            pass
        time.sleep(0.1)
    if p is not None:
        p.kill()
    raise RuntimeError("%s did not start: %s" % (what, tail(log)))
