"""Charts of a gfp-bench run, PNG and SVG, drawn with matplotlib (Debian's
python3-matplotlib) on the Agg backend: no display needed.

- throughput.{png,svg}: MRR, NDR and PDR by path and frame size, grouped
  bars at the medians with the range (min-max) as error bars;
- latency-cdf.{png,svg}: the latency CDF of each path, one panel per
  frame size, at the middle load of the run (50% of PDR by default).
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend)

Doc = Dict[str, Any]
FORMATS: Sequence[str] = ("png", "svg")
METRICS: Sequence[str] = ("mrr", "ndr", "pdr")


def _measured(doc: Doc) -> List[Doc]:
    return [p for p in doc["paths"] if p["sizes"]]


def throughput_figure(doc: Doc) -> "plt.Figure":
    """Grouped bars: one panel per metric, frame sizes along x, a bar per
    path, error bars from min to max."""
    paths = _measured(doc)
    sizes = doc["config"]["sizes"]
    fig, axes = plt.subplots(1, len(METRICS), figsize=(4.2 * len(METRICS),
                                                         4.0), squeeze=False)
    width = 0.8 / max(1, len(paths))
    for ax, metric in zip(axes[0], METRICS):
        for i, p in enumerate(paths):
            by_size = {s["frame_size"]: s[metric + "_pps"]
                       for s in p["sizes"]}
            xs, ys, lo, hi = [], [], [], []
            for j, size in enumerate(sizes):
                spread = by_size.get(size)
                if spread is None:
                    continue
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(spread["median"] / 1e6)
                lo.append((spread["median"] - spread["min"]) / 1e6)
                hi.append((spread["max"] - spread["median"]) / 1e6)
            ax.bar(xs, ys, width, yerr=[lo, hi], capsize=2, label=p["name"])
        ax.set_xticks(range(len(sizes)))
        ax.set_xticklabels([str(s) for s in sizes])
        ax.set_xlabel("frame size, bytes")
        ax.set_ylabel("Mpps")
        ax.set_title(metric.upper())
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].legend(fontsize="small")
    fig.suptitle("gfp-bench: throughput by path and frame size "
                 "(median, min-max)")
    fig.tight_layout()
    return fig


def _cdf_load(doc: Doc) -> Optional[float]:
    loads = doc["config"]["latency_loads"]
    if not loads:
        return None
    return sorted(loads)[len(loads) // 2]


def latency_figure(doc: Doc) -> "plt.Figure":
    """Latency CDF by path, one panel per frame size, log time axis."""
    sizes = doc["config"]["sizes"]
    load = _cdf_load(doc)
    fig, axes = plt.subplots(1, len(sizes), figsize=(4.5 * len(sizes), 4.0),
                             squeeze=False)
    for ax, size in zip(axes[0], sizes):
        drawn = False
        for p in _measured(doc):
            for s in p["sizes"]:
                if s["frame_size"] != size:
                    continue
                for e in s["latency"]:
                    if e["load"] != load or not e["cdf"]:
                        continue
                    ax.plot([v / 1e3 for _, v in e["cdf"]],
                            [q / 100 for q, _ in e["cdf"]],
                            label=p["name"])
                    drawn = True
        if drawn:
            ax.set_xscale("log")
            ax.legend(fontsize="small")
        else:
            ax.text(0.5, 0.5, "no latency measured", ha="center",
                    transform=ax.transAxes)
        ax.set_xlabel("latency, us")
        ax.set_ylabel("fraction of frames")
        ax.set_title("%d-byte frames" % size)
        ax.grid(alpha=0.3)
    fig.suptitle("gfp-bench: latency CDF at %s of PDR"
                 % ("-" if load is None else "%d%%" % (100 * load)))
    fig.tight_layout()
    return fig


def write_charts(doc: Doc, out_dir: str) -> List[str]:
    """Writes throughput and latency-cdf as PNG and SVG; returns the
    files written."""
    written = []
    for name, make in (("throughput", throughput_figure),
                       ("latency-cdf", latency_figure)):
        fig = make(doc)
        try:
            for fmt in FORMATS:
                path = os.path.join(out_dir, "%s.%s" % (name, fmt))
                fig.savefig(path, format=fmt, dpi=100)
                written.append(path)
        finally:
            plt.close(fig)
    return written
