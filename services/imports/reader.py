"""Reading a spreadsheet: CSV (UTF-8 with or without BOM, ``;`` or ``,`` sniffed) or XLSX.

Rows come out as lists of cell values with the row number the user sees in the spreadsheet
(the header is row 1). Wholly empty rows are skipped.

A file comes from outside, so reading is bounded before and while it is parsed, and stops at
the first limit passed instead of reading the rest:

- bytes: at most ``MAX_FILE_BYTES``; a CSV line at most ``MAX_LINE_CHARS`` characters;
- XLSX: checked from the zip directory before anything is unpacked: at most ``MAX_ZIP_ENTRIES``
  entries, ``MAX_UNPACKED_BYTES`` unpacked in all and no entry packed more than
  ``MAX_ZIP_RATIO`` times (a "zip bomb"); then streamed row by row (openpyxl's read-only mode),
  at most ``MAX_COLUMNS + 1`` cells of a row ever built;
- rows: reading stops at the first data row past ``MAX_ROWS`` (and past ``MAX_RECORDS`` rows
  counting empty ones), so a file of a million rows costs what 20,001 rows cost;
- cells: at most ``MAX_COLUMNS`` filled cells a row.

Parsing is plain CPU work: callers on an event loop run :func:`read` in a worker thread.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from services.sheet_cells import unquote_csv_text

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_RECORDS = 5 * MAX_ROWS  # rows read at all, empty ones included
MAX_COLUMNS = 100
MAX_LINE_CHARS = 64 * 1024
MAX_ZIP_ENTRIES = 1_000
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ZIP_RATIO = 200
ZIP_RATIO_FROM_BYTES = 1024 * 1024  # small entries may pack as well as they like


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


def _is_blank(cells: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("import.error.encoding")


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first non-empty line (looked for in the first lines only)."""
    head = io.StringIO(text[: 16 * MAX_LINE_CHARS])
    first = next((line for line in head if line.strip()), "")[:MAX_LINE_CHARS]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` (with their ends), refusing one longer than ``MAX_LINE_CHARS``:
    a row's cells are never more than its line's characters."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise UnreadableFile("import.error.line_too_long", row=number, limit=MAX_LINE_CHARS)
        yield line


def csv_records(data: bytes) -> Iterator[list[Any]]:
    """The CSV's rows one by one (read lazily)."""
    text = _decode(data)
    reader = csv.reader(_lines(text), delimiter=_sniff_delimiter(text))
    try:
        yield from reader
    except csv.Error as exc:
        raise UnreadableFile("import.error.unreadable", detail=str(exc)) from None


def read_csv(data: bytes) -> Sheet:
    return _sheet(csv_records(data))


def check_zip(data: bytes) -> None:
    """Refuse an XLSX whose zip directory promises too much, before anything is unpacked.

    The directory's sizes are what unpacking will produce at most: Python's zipfile stops an
    entry at its declared size.
    """
    # The number of entries, from the end-of-directory record, before zipfile reads them all.
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise UnreadableFile("import.error.unreadable", detail="BadZipFile")
    (entries,) = struct.unpack("<H", data[end + 10 : end + 12])
    if entries > MAX_ZIP_ENTRIES:
        raise UnreadableFile(
            "import.error.unpacked_too_big", limit_mb=MAX_UNPACKED_BYTES // (1024 * 1024)
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UnreadableFile("import.error.unreadable", detail="BadZipFile") from None
    total = 0
    for info in infos:
        total += info.file_size
        bomb = info.file_size > ZIP_RATIO_FROM_BYTES and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        )
        if bomb or total > MAX_UNPACKED_BYTES or len(infos) > MAX_ZIP_ENTRIES:
            raise UnreadableFile(
                "import.error.unpacked_too_big", limit_mb=MAX_UNPACKED_BYTES // (1024 * 1024)
            )


def xlsx_records(data: bytes) -> Iterator[list[Any]]:
    """The first sheet's rows one by one, streamed (at most ``MAX_COLUMNS + 1`` cells of a
    row, at most ``MAX_RECORDS + 1`` rows)."""
    from openpyxl import load_workbook

    check_zip(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UnreadableFile("import.error.unreadable", detail=type(exc).__name__) from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1, max_row=MAX_RECORDS + 1)
        while True:
            try:
                record = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a broken sheet found while streaming
                raise UnreadableFile("import.error.unreadable", detail=type(exc).__name__) from None
            yield list(record)
    finally:
        wb.close()


def read_xlsx(data: bytes) -> Sheet:
    return _sheet(xlsx_records(data))


def _trimmed(cells: list[Any], number: int) -> list[Any]:
    while cells and (cells[-1] is None or (isinstance(cells[-1], str) and not cells[-1].strip())):
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise UnreadableFile("import.error.too_many_columns", row=number, limit=MAX_COLUMNS)
    return cells


def _sheet(records: Iterable[list[Any]]) -> Sheet:
    """The header and the data rows; stops reading at the first limit passed."""
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, record in enumerate(records, start=1):
        if number > MAX_RECORDS or (len(rows) >= MAX_ROWS and not _is_blank(record)):
            raise UnreadableFile("import.error.too_many_rows", limit=MAX_ROWS)
        if _is_blank(record):
            continue
        cells = _trimmed(record, number)
        if header is None:
            header = [str(c).strip() if c is not None else "" for c in cells]
            continue
        rows.append((number, cells))
    if header is None:
        raise UnreadableFile("import.error.empty_file")
    return Sheet(header=header, rows=rows)


def read(filename: str, data: bytes) -> Sheet:
    """Read a CSV or XLSX file (CPU work: run it in a worker thread from an event loop)."""
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
    # A text our own CSV files quote against formulas ("'=…") is read back as typed.
    return unquote_csv_text(str(value).strip())
