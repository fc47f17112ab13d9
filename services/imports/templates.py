"""Downloadable templates: a CSV per kind (templates/*.csv) and an XLSX made in memory."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from services.imports.specs import KINDS, Kind
from services.sheet_cells import csv_row, write_row


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise KeyError(kind)
    return KINDS[kind]


def template_csv(kind: str, *, examples: bool = True) -> bytes:
    """UTF-8 with BOM (Excel opens it right), ``;`` delimited, Russian headers."""
    spec = _kind(kind)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row(c.ru for c in spec.columns))
    if examples:
        writer.writerows(csv_row(row) for row in spec.examples)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def template_xlsx(kind: str, *, examples: bool = True) -> bytes:
    """An XLSX with the headers (bold, required ones marked), examples and a help sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    spec = _kind(kind)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.title_ru[:31]
    write_row(ws, 1, [c.ru for c in spec.columns])
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, c in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font = Font(bold=True)
        if c.required:
            cell.fill = required_fill
        note = c.help_ru or ("обязательный столбец" if c.required else "")
        if note:
            cell.comment = Comment(note, "schoolbot")
        ws.column_dimensions[cell.column_letter].width = max(14, len(c.ru) + 4)
    if examples:
        for r, row in enumerate(spec.examples, start=2):
            write_row(ws, r, row)
    ws.freeze_panes = "A2"
    # Keep text columns as text (ids like 007, dates typed by hand).
    for col in ws.iter_cols(min_row=2, max_row=500):
        for cell in col:
            cell.number_format = "@"
    help_ws = wb.create_sheet("Справка")
    write_row(help_ws, 1, ["Столбец", "Column", "Обязательный", "Пояснение", "Notes"])
    for r, c in enumerate(spec.columns, start=2):
        write_row(help_ws, r, [c.ru, c.en, "да" if c.required else "", c.help_ru, c.help_en])
    for letter, width in zip("ABCDE", (24, 20, 14, 60, 50), strict=True):
        help_ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_templates(directory: Path, *, xlsx: bool = True) -> list[Path]:
    """Write every kind's CSV (and XLSX) template into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        path = directory / f"{kind}.csv"
        path.write_bytes(template_csv(kind))
        written.append(path)
        if xlsx:
            path = directory / f"{kind}.xlsx"
            path.write_bytes(template_xlsx(kind))
            written.append(path)
    return written
