"""Charts as PNG bytes (matplotlib, Agg backend): readable on a phone screen.

The caller passes every label already translated; nothing here knows a language or a messenger.
DejaVu Sans (matplotlib's default font) has Cyrillic. matplotlib (with numpy and PIL, ~45 MB
of the bot's memory) is imported when the first chart is drawn, not when the bot starts.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# Bar colours by the projected mark: red, orange, green-yellow, green.
MARK_COLOURS = {2: "#d9534f", 3: "#f0ad4e", 4: "#8bc34a", 5: "#2e7d32"}
NO_MARK_COLOUR = "#b0b0b0"


@dataclass(frozen=True)
class SubjectBar:
    subject: str
    average: Decimal | float | None
    suggested: int | None
    count: int


def marks_chart_png(
    bars: Sequence[SubjectBar],
    *,
    title: str,
    xlabel: str,
    no_marks: str,
    decimal_point: str = ",",
    thresholds: Sequence[float] = (2.5, 3.5, 4.5),
) -> bytes:
    """A horizontal bar chart of weighted averages by subject, coloured by the projected
    mark, with the school's thresholds as dashed lines. Large fonts, one plot."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = list(bars)[::-1]  # first subject on top
    height = max(4.0, 1.2 + 0.75 * len(rows))
    fig = Figure(figsize=(9, height), dpi=110)
    ax = fig.add_subplot(1, 1, 1)
    labels = [textwrap.fill(r.subject, 18) for r in rows]
    values = [float(r.average) if r.average is not None else 0.0 for r in rows]
    colours = [
        MARK_COLOURS.get(r.suggested or 0, NO_MARK_COLOUR) if r.average is not None else "white"
        for r in rows
    ]
    positions = list(range(len(rows)))
    ax.barh(positions, values, color=colours, edgecolor="#555555", height=0.65)
    for y, row in zip(positions, rows, strict=True):
        if row.average is None:
            ax.text(1.05, y, no_marks, va="center", ha="left", fontsize=15, color="#666666")
        else:
            text = f"{float(row.average):.2f}".replace(".", decimal_point)
            ax.text(
                float(row.average) + 0.05,
                y,
                f"{text} ({row.count})",
                va="center",
                ha="left",
                fontsize=16,
                fontweight="bold",
            )
    for x in thresholds:
        ax.axvline(x, color="#888888", linestyle="--", linewidth=1.2, zorder=0)
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=16)
    ax.set_xlim(1, 5.9)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.tick_params(axis="x", labelsize=15)
    ax.set_xlabel(xlabel, fontsize=15)
    ax.set_title(title, fontsize=18, fontweight="bold", loc="left")
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    if not rows:
        ax.set_yticks([])
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
