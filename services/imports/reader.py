"""Reading a spreadsheet: CSV (UTF-8 with or without BOM, ``;`` or ``,`` sniffed) or XLSX.

Rows come out as lists of cell values with the row number the user sees in the spreadsheet
(the header is row 1). Wholly empty rows are skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000


class UnreadableFile(Exception):
    """The file is not a CSV/XLSX we can read; ``code`` is a locale key."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Sheet:
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as seen in the spreadsheet, cells)


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("import.error.encoding")


def _sniff_delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        records = list(reader)
    except csv.Error as exc:
        raise UnreadableFile("import.error.unreadable", detail=str(exc)) from None
    return _sheet(records)


def read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile("import.error.unreadable", detail=type(exc).__name__) from None
    try:
        ws = wb.worksheets[0]
        records = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    return _sheet(records)


def _sheet(records: list[list[Any]]) -> Sheet:
    header_index = next((i for i, r in enumerate(records) if not _is_blank(r)), None)
    if header_index is None:
        raise UnreadableFile("import.error.empty_file")
    header = [str(c).strip() if c is not None else "" for c in records[header_index]]
    while header and not header[-1]:
        header.pop()
    rows = [
        (i + 1, list(r)) for i, r in enumerate(records) if i > header_index and not _is_blank(r)
    ]
    if len(rows) > MAX_ROWS:
        raise UnreadableFile("import.error.too_many_rows", limit=MAX_ROWS)
    return Sheet(header=header, rows=rows)


def read(filename: str, data: bytes) -> Sheet:
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile("import.error.too_big", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return read_xlsx(data)
    if name.endswith((".csv", ".txt")) or not name.rsplit(".", 1)[-1:]:
        return read_csv(data)
    if name.endswith(".xls"):
        raise UnreadableFile("import.error.old_xls")
    return read_csv(data)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing ``.0``, dates as ``dd.mm.yyyy``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().strftime("%d.%m.%Y")
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()
