"""A report document as XLSX (openpyxl): one sheet per section, printable (landscape where
the section is, fit to page width), headers bold, table borders, frozen header rows.

Every cell is written by ``services.sheet_cells``: texts (names, topics) are text cells that
never run as formulas and never carry a control character an XLSX cannot hold."""

from __future__ import annotations

import io
import re
from typing import Any

from services.reports.document import Document, Section, Table, cell_text
from services.sheet_cells import clean_text, write_cell

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", clean_text(name)).strip()[:31] or "Лист"
    candidate, n = base, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate)
    return candidate


def _value(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return cell_text(value)


def render_xlsx(doc: Document) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="E7ECF3")
    wb = Workbook()
    default = wb.active
    used: set[str] = set()

    def write_section(section: Section) -> None:
        ws = wb.create_sheet(_sheet_name(section.sheet, used))
        ws.page_setup.orientation = "landscape" if section.landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        write_cell(ws, 1, 1, section.title).font = Font(bold=True, size=13)
        r = 2
        for line in section.lines:
            write_cell(ws, r, 1, line)
            r += 1
        widths: dict[int, float] = {}
        freeze_at: str | None = None
        for table in section.tables:
            r += 1
            if table.title:
                write_cell(ws, r, 1, table.title).font = Font(bold=True)
                r += 1
            r = _write_table(ws, table, r, widths, border, head_fill, Alignment, Font)
            if freeze_at is None and len(section.tables) == 1:
                freeze_at = f"{get_column_letter(table.frozen + 1)}{r - len(table.rows)}"
        for note in section.notes:
            r += 1
            write_cell(ws, r, 1, note)
        if section.signatures:
            r += 1
        for sig in section.signatures:
            r += 2
            write_cell(ws, r, 1, sig)
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = max(4.0, min(60.0, width))
        if freeze_at:
            ws.freeze_panes = freeze_at

    for section in doc.sections:
        write_section(section)
    if default is not None:
        wb.remove(default)
    wb.properties.title = clean_text(doc.title)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_table(
    ws: Any,
    table: Table,
    r: int,
    widths: dict[int, float],
    border: Any,
    head_fill: Any,
    alignment: Any,
    font: Any,
) -> int:
    has_groups = any(c.group for c in table.columns)
    head_align = alignment(horizontal="center", vertical="center", wrap_text=True)
    if has_groups:
        i = 0
        while i < len(table.columns):
            col = table.columns[i]
            j = i
            while (
                col.group and j + 1 < len(table.columns) and table.columns[j + 1].group == col.group
            ):
                j += 1
            if col.group:
                write_cell(ws, r, i + 1, col.group)
                if j > i:
                    ws.merge_cells(start_row=r, start_column=i + 1, end_row=r, end_column=j + 1)
                for k in range(i, j + 1):
                    ws.cell(row=r, column=k + 1).border = border
                    ws.cell(row=r, column=k + 1).fill = head_fill
                cell = ws.cell(row=r, column=i + 1)
                cell.font = font(bold=True)
                cell.alignment = head_align
            i = j + 1
        r += 1
    for i, col in enumerate(table.columns, start=1):
        cell = write_cell(ws, r, i, col.header)
        cell.font = font(bold=True)
        cell.alignment = head_align
        cell.border = border
        cell.fill = head_fill
        if has_groups and not col.group:
            above = ws.cell(row=r - 1, column=i)
            above.border = border
            above.fill = head_fill
        widths[i] = max(widths.get(i, 0), col.width / 2.0, min(len(col.header), 18) + 1)
    r += 1
    align_map = {"L": "left", "C": "center", "R": "right"}
    for index, row in enumerate(table.rows):
        for i, value in enumerate(row, start=1):
            cell = write_cell(ws, r, i, _value(value))
            cell.border = border
            col = table.columns[i - 1] if i - 1 < len(table.columns) else table.columns[-1]
            cell.alignment = alignment(
                horizontal=align_map.get(col.align, "center"), vertical="top", wrap_text=True
            )
            if isinstance(value, float):
                cell.number_format = "0.00"
            if index in table.bold_rows:
                cell.font = font(bold=True)
            widths[i] = max(widths.get(i, 0), min(len(cell_text(value)) + 2, 60))
        r += 1
    return r
