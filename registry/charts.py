"""Charts as SVG or PNG (matplotlib, headless): KPI series, a peer distribution, a comparison.

Each function returns the file's bytes; the site serves them and the CLI writes them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no screen: render to files only
import matplotlib.pyplot as plt  # noqa: E402

FORMATS = ("svg", "png")
_COLOURS = ("#004f9e", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00838f")


def _render(figure: plt.Figure, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"chart format must be svg or png, not {fmt!r}")
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(figure)
    return buffer.getvalue()


def kpi_series(record: dict, fmt: str = "svg") -> bytes:
    """Every KPI with dated observations as a line over its periods."""
    figure, axes = plt.subplots(figsize=(7, 3.5))
    plotted = 0
    for colour, kpi in zip(_COLOURS * 4, record.get("kpis") or (), strict=False):
        points = [(o.get("period_start") or o.get("period_end"), o["value"])
                  for o in kpi.get("observations") or ()]
        points = sorted(p for p in points if p[0])
        if not points:
            continue
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour,
                  label=f"{kpi['name']} ({kpi.get('unit') or ''})".replace(" ()", ""))
        plotted += 1
    if not plotted:
        axes.text(0.5, 0.5, "no dated KPI observations", ha="center", va="center",
                  transform=axes.transAxes)
    else:
        axes.legend(loc="best", fontsize="small")
        axes.tick_params(axis="x", labelrotation=45)
    axes.set_title(next(iter(record["title"].values()), "")[:70], fontsize="medium")
    return _render(figure, fmt)


def peer_distribution(values: Sequence[float], mine: float, label: str, unit: str,
                      fmt: str = "svg") -> bytes:
    """Peer values as a strip with the practice marked."""
    figure, axes = plt.subplots(figsize=(7, 2.2))
    axes.scatter(values, [0] * len(values), color="#888888", label="peers", zorder=2)
    axes.scatter([mine], [0], color="#c62828", s=90, marker="D", label="this practice",
                 zorder=3)
    axes.set_yticks([])
    axes.set_xlabel(unit)
    axes.set_title(label, fontsize="medium")
    axes.legend(loc="upper right", fontsize="small")
    return _render(figure, fmt)


def comparison_bars(titles: Sequence[str], values: Sequence[float | None], label: str,
                    unit: str, fmt: str = "svg") -> bytes:
    """One metric across the compared practices; a practice without a value shows none."""
    figure, axes = plt.subplots(figsize=(7, 0.6 * len(titles) + 1.5))
    shown = [v if v is not None else 0 for v in values]
    bars = axes.barh([t[:45] for t in titles], shown, color=_COLOURS[0])
    for bar, value in zip(bars, values, strict=True):
        axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2,
                  " n/a" if value is None else f" {value:,.2f}", va="center", fontsize="small")
    axes.invert_yaxis()
    axes.set_xlabel(unit)
    axes.set_title(label, fontsize="medium")
    return _render(figure, fmt)
