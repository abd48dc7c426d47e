"""Charts for the reports: matplotlib (Agg) drawn to PNG and embedded as data: URIs, so one HTML
file or PDF carries them. Each chart's numbers are also printed as a table next to it."""

from __future__ import annotations

import base64
import io
from typing import Any

MONTH_LABELS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
COLOURS = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _data_uri(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    _pyplot().close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def monthly_bars(series: dict[str, list[int]], *, title: str, ylabel: str, empty: str) -> str:
    """A stacked bar per month, one colour per series."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=120)
    bottom = [0] * 12
    for (name, values), colour in zip(series.items(), COLOURS * 3, strict=False):
        ax.bar(MONTH_LABELS, values, bottom=bottom, label=name, color=colour, width=0.75)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.margins(y=0.15)
    if any(bottom):
        ax.legend(fontsize=7, ncols=min(4, len(series)))
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes, fontsize=9, color="#666")
    fig.tight_layout()
    return _data_uri(fig)


def answer_times(days: list[int], *, promised_days: int, legal_days: int) -> str:
    """Days from receipt to answer per request, with the promised and legal terms as lines."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 2.8), dpi=120)
    if days:
        ax.hist(days, bins=range(0, max(days + [legal_days]) + 3, 2), color=COLOURS[0])
    else:
        ax.text(0.5, 0.5, "no request was answered this year", ha="center", va="center",
                transform=ax.transAxes, fontsize=9, color="#666")  # fmt: skip
    ax.axvline(promised_days, color=COLOURS[2], linestyle="--", label=f"promised ({promised_days} days)")
    ax.axvline(legal_days, color=COLOURS[1], linestyle="--", label=f"legal (about {legal_days} days)")
    ax.set_xlim(0, max(days + [legal_days]) + 5)
    ax.set_title("Days from receipt to answer", fontsize=10)
    ax.set_xlabel("days", fontsize=8)
    ax.set_ylabel("requests", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _data_uri(fig)
