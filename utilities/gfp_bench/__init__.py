"""gfp-bench: what DPDK on the host, in the guest, or in both buys over
the vswitch-only path, measured on one host with alternating trials.

Modules: :mod:`.paths` (the path interface and a simulated path),
:mod:`.search` (NDR/PDR), :mod:`.trials` (the alternating schedule),
:mod:`.stats`, :mod:`.results` (the JSON document), :mod:`.report`
(table, JSON, CSV, Markdown), :mod:`.charts` (PNG, SVG); ``python3 -m
gfp_bench`` is the command line.
"""

__version__ = "0.1.0"
