"""A report as a neutral document: sections of titled tables, notes and signature lines.

Builders produce a :class:`Document`; ``render_xlsx`` and ``render_pdf`` turn it into a file.
Column widths are millimetres at the table's font size; the PDF renderer stretches a narrow
table to the page width, shrinks a slightly wide one and splits a wide one into column
chunks that repeat the ``frozen`` leading columns (keeping column groups together).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Column:
    header: str
    width: float = 12.0
    align: str = "C"  # L, C or R
    group: str | None = None  # a header over several neighbouring columns


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    title: str | None = None
    frozen: int = 1
    bold_rows: set[int] = field(default_factory=set)
    font_size: float = 8.0
    # Stretch the columns to the page width (False: keep the given widths).
    stretch: bool = True


@dataclass
class Section:
    title: str
    sheet: str
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    landscape: bool = False


@dataclass
class Document:
    title: str
    filename: str  # without extension, ASCII
    sections: list[Section]
    footer: str = ""


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)
