"""gfp-bench's command line: ``python3 -m gfp_bench [OPTIONS]``.

Measures the paths asked for with alternating trials, prints the table,
and writes results.json, results.csv, report.md and the charts into the
output directory.  Exit status: 0 when every path ran or was skipped for a
missing prerequisite; 1 when a path failed (the others still ran and the
report says which and why) or no path could run at all; 2 for a bad
option, an unknown path among them (nothing is started); 130 after Ctrl-C
(everything torn down, the partial report written).
"""

from __future__ import annotations

import argparse
import datetime
import json
import signal
import sys
from typing import Dict, List, Optional, Sequence, TextIO, Tuple

from . import __version__, guests, registry, report
from .config import BenchConfig, MAX_FLOWS, check_flows, check_frame_size
from .paths import Path, simulated_paths
from .progress import Terminal
from .results import STATUS_FAILED, STATUS_OK
from .trials import Runner, estimate_seconds

PROG = "gfp-bench"
Unavailable = Tuple[str, str, str]


def _int_list(text: str) -> List[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a comma-separated list "
                                         "of integers" % text)


def _sizes(text: str) -> List[int]:
    sizes = _int_list(text)
    if not sizes:
        raise argparse.ArgumentTypeError("no frame size given")
    for s in sizes:
        try:
            check_frame_size(s)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e))
    return sizes


def _flows(text: str) -> int:
    try:
        n = int(text)
        check_flows(n)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "flow count %r: an integer from 1 to %d" % (text, MAX_FLOWS))
    return n


def _positive(kind: type):
    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError("%r is not a number" % text)
        if v <= 0:
            raise argparse.ArgumentTypeError("%r must be positive" % text)
        return v
    return parse


def _names(text: str) -> List[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def check_paths(names: Optional[List[str]], suite: str) -> List[str]:
    """The paths of --paths (all of the suite's without it): known ones
    of ``suite``, each once, at least one; ValueError saying which."""
    known_names = list(registry.catalogue(suite))
    if names is None:
        return known_names
    known = "known: %s" % ", ".join(known_names)
    if not names:
        raise ValueError("no path named (%s)" % known)
    for i, n in enumerate(names):
        if n not in known_names:
            raise ValueError("unknown path %r (%s)" % (n, known))
        if n in names[:i]:
            raise ValueError("path %r named twice" % n)
    return names


def _percent(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number" % text)
    if not 0.0 < v < 100.0:
        raise argparse.ArgumentTypeError("%r: a percentage in (0, 100)"
                                         % text)
    return v


def parser() -> argparse.ArgumentParser:
    """The option parser."""
    suites = registry.suites()
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Compares the paths from a generator through a host's "
        "switch to a guest's forwarder and back: MRR, NDR, PDR, latency, "
        "cycles per packet and CPU use, in alternating trials.",
        epilog=" ".join(
            "Suite %s (%s): %s." % (s.name, s.description, "; ".join(
                "%s: %s" % kv for kv in registry.catalogue(s.name).items()))
            for s in suites))
    p.add_argument("--suite", choices=[s.name for s in suites],
                   default="paths", help="what to compare (default: paths)")
    p.add_argument("--guest", choices=guests.KINDS, default=None,
                   help="the guest of every path: vm (a QEMU VM, gfp-pair "
                   "--guest vm) or netns (a namespace or a process, no VM); "
                   "default: vm where KVM works, netns otherwise (and for "
                   "the components suite)")
    p.add_argument("--paths", type=_names, default=None,
                   help="comma-separated paths of the suite to measure "
                   "(default: all of them)")
    d = BenchConfig()
    p.add_argument("--sizes", type=_sizes, default=list(d.sizes),
                   help="frame sizes in bytes, 64..1518 or 9000 "
                   "(default: %s)" % ",".join(str(s) for s in d.sizes))
    p.add_argument("--flows", type=_flows, default=d.flows,
                   help="flows, 1..%d (default: %d)" % (MAX_FLOWS, d.flows))
    p.add_argument("--trial-duration", type=_positive(float),
                   default=d.trial_duration_s, metavar="SECS",
                   help="length of one trial (default: %g)"
                   % d.trial_duration_s)
    p.add_argument("--trials", type=_positive(int), default=d.trials,
                   metavar="N", help="repeats of every measurement "
                   "(default: %d)" % d.trials)
    p.add_argument("--max-rate", type=_positive(float), default=None,
                   metavar="PPS", help="offer at most PPS frames a second: "
                   "the MRR trial at PPS, the search under it (default: "
                   "the generator's maximum; for VM guests under TCG, "
                   "which a flood leaves with full rings)")
    p.add_argument("--pdr-loss", type=_percent, default=100 * d.pdr_loss,
                   metavar="PERCENT", help="loss PDR accepts, in percent "
                   "(default: %g)" % (100 * d.pdr_loss))
    p.add_argument("--tolerance", type=_percent,
                   default=100 * d.tolerance_ratio, metavar="PERCENT",
                   help="search resolution, in percent of the MRR "
                   "(default: %g)" % (100 * d.tolerance_ratio))
    p.add_argument("--max-iterations", type=_positive(int),
                   default=d.max_iterations, metavar="N",
                   help="at most N trials per search criterion "
                   "(default: %d)" % d.max_iterations)
    p.add_argument("--verify", type=_positive(int), default=d.verify,
                   metavar="N", help="trials that must pass at the rate "
                   "found (default: %d)" % d.verify)
    p.add_argument("--out", metavar="DIR",
                   help="where the report goes (default: "
                   "./gfp-bench-DATE-TIME)")
    p.add_argument("--no-charts", action="store_true",
                   help="no PNG/SVG charts")
    p.add_argument("--simulate", action="store_true",
                   help="run on simulated paths: the whole pipeline, no "
                   "switch, no guest")
    p.add_argument("--seed", type=int, default=1,
                   help="seed of the simulated paths' noise (default: 1)")
    p.add_argument("--from-json", metavar="FILE",
                   help="render the reports of a saved results.json again")
    p.add_argument("--version", action="version",
                   version="%(prog)s " + __version__)
    return p


def config_from_args(args: argparse.Namespace) -> BenchConfig:
    """The run's configuration; ValueError on a bad combination."""
    return BenchConfig(sizes=tuple(args.sizes), flows=args.flows,
                       trial_duration_s=args.trial_duration,
                       trials=args.trials, pdr_loss=args.pdr_loss / 100.0,
                       tolerance_ratio=args.tolerance / 100.0,
                       max_iterations=args.max_iterations,
                       verify=args.verify, max_rate_pps=args.max_rate)


def resolve_paths(names: Sequence[str], config: BenchConfig, simulate: bool,
                  seed: int, guest: object = "netns"
                  ) -> Tuple[List[Path], List[Unavailable]]:
    """The Path objects for ``names`` (known paths: --paths checked them)
    and the paths that cannot be made (name, description, reason)."""
    if simulate:
        made: Dict[str, Path] = simulated_paths(names, seed=seed)
        return [made[n] for n in names], []
    paths, more = registry.make_paths(names, config, guest)
    return list(paths), list(more)  # type: ignore[arg-type]


def main(argv: Optional[Sequence[str]] = None,
         stdout: Optional[TextIO] = None,
         stderr: Optional[TextIO] = None) -> int:
    """Runs gfp-bench; returns the exit status."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    p = parser()
    args = p.parse_args(argv)
    out_dir = args.out or "gfp-bench-%s" % datetime.datetime.now().strftime(
        "%Y%m%d-%H%M%S")
    if args.from_json:
        with open(args.from_json, encoding="utf-8") as f:
            doc = json.load(f)
        files = report.write_all(doc, out_dir, not args.no_charts)
        stdout.write(report.doc_guest_line(doc) + "\n\n")
        stdout.write(report.table(doc))
        _where(files, out_dir, stdout)
        return 0
    try:
        config = config_from_args(args)
    except ValueError as e:
        stderr.write("%s: %s\n" % (PROG, e))
        return 2
    try:
        names = check_paths(args.paths, args.suite)
    except ValueError as e:
        p.error("argument --paths: %s" % e)
    try:
        if args.simulate:
            # No guest runs: validated only, nothing probed or loaded.
            guest = guests.choose(args.guest, args.suite,
                                  kvm=(False, "simulated paths"),
                                  ovs_kernel=lambda: (False, "simulated"))
        else:
            guest = guests.choose(args.guest, args.suite)
    except ValueError as e:
        p.error("argument --guest: %s" % e)
    term = Terminal(stderr, PROG)
    paths, unavailable = resolve_paths(names, config, args.simulate,
                                       args.seed, guest)
    if not args.simulate:
        term.say(report.guest_line(guest.to_dict()))
    term.say("%s suite, %d path(s): about %s of trials (estimated before "
             "the first one), set-up apart"
             % (args.suite, len(names),
                _minutes(estimate_seconds(len(paths), config))))
    runner = Runner(paths, config, unavailable=unavailable, requested=names,
                    progress=term.progress, log=term.note,
                    simulated=args.simulate, version=__version__,
                    baselines=registry.baselines(names), suite=args.suite,
                    guest=None if args.simulate else guest.to_dict())
    results = runner.run()
    term.clear()
    doc = results.to_dict()
    files = report.write_all(doc, out_dir, not args.no_charts)
    stdout.write(report.doc_guest_line(doc) + "\n\n")
    stdout.write(report.table(doc))
    _where(files, out_dir, stdout)
    stdout.write(report.summary_line(doc))
    if results.interrupted:
        return 130
    if any(p.status == STATUS_FAILED for p in results.paths):
        return 1
    if not any(p.status == STATUS_OK for p in results.paths):
        stderr.write("%s: no path could run here\n" % PROG)
        return 1
    return 0


def _minutes(seconds: float) -> str:
    s = int(round(seconds))
    return "%d:%02d" % (s // 60, s % 60)


def _where(files: Dict[str, str], out_dir: str, stdout: TextIO) -> None:
    stdout.write("\nreport: %s\n" % files.get("report.md", "-"))
    stdout.write("data:   %s, %s\n" % (files.get("results.json", "-"),
                                      files.get("results.csv", "-")))
    charts = [f for k, f in sorted(files.items())
              if k.endswith((".png", ".svg"))]
    if "charts-error" in files:
        stdout.write("charts: %s\n" % files["charts-error"])
    elif charts:
        stdout.write("charts: %s\n" % ", ".join(charts))
    elif out_dir:
        stdout.write("charts: none\n")


def _terminate(signum, frame):
    """SIGTERM and SIGHUP end the run as Ctrl-C does: torn down, the
    partial report written."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(1)
