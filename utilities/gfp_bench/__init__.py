"""gfp-bench: what DPDK on the host, in the guest, or in both buys over
the vswitch-only path, and what each of gfp's components buys over the
piece it replaces, measured on one host with alternating trials.

Modules: :mod:`.paths` (the path interface and a simulated path),
:mod:`.registry` (paths and suites, registered by the modules of
:mod:`.catalogue`), :mod:`.seats` (the machinery of real paths),
:mod:`.tools` (tool lookup, process control), :mod:`.generator` (the
gfp-pktgen --serve protocol), :mod:`.counters` (per-hop counters through
``gfp-ctl stats --json``), :mod:`.search` (NDR/PDR), :mod:`.trials` (the
alternating schedule), :mod:`.progress` (the terminal), :mod:`.seat`
(pollers against CPUs), :mod:`.stats`, :mod:`.results` (the JSON
document), :mod:`.report` (table, JSON, CSV, Markdown), :mod:`.charts`
(PNG, SVG); ``python3 -m gfp_bench`` is the command line.
"""

__version__ = "0.1.0"
