"""A report document as PDF (fpdf2) with Cyrillic text in DejaVu Sans (bundled with matplotlib).

A4, portrait or landscape per section; tables repeat their header rows on each page; a table
wider than the page is split into column chunks that repeat the leading (frozen) columns;
page numbers in the footer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from services.reports.document import Document, Section, Table, cell_text

MARGIN = 10.0
FONT = "DejaVu"


@cache
def font_paths() -> tuple[Path, Path]:
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    regular, bold = base / "DejaVuSans.ttf", base / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise RuntimeError(f"DejaVu Sans fonts not found in {base}")
    return regular, bold


def _pdf_class() -> type[Any]:
    from fpdf import FPDF

    class ReportPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-8)
            self.set_font(FONT, "", 7)
            self.set_text_color(110)
            self.cell(0, 4, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")
            self.set_text_color(0)

    return ReportPDF


def render_pdf(doc: Document) -> bytes:
    cls = _pdf_class()
    pdf = cls(orientation="P", unit="mm", format="A4")
    regular, bold = font_paths()
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=12)
    pdf.footer_text = doc.footer
    pdf.set_title(doc.title)
    pdf.set_creator("schoolbot")
    for section in doc.sections:
        _section(pdf, section)
    return bytes(pdf.output())


def _section(pdf: Any, section: Section) -> None:
    pdf.add_page(orientation="L" if section.landscape else "P")
    width = pdf.epw
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(width, 6, section.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    for line in section.lines:
        pdf.multi_cell(width, 4.6, line, new_x="LMARGIN", new_y="NEXT")
    for table in section.tables:
        pdf.ln(2.5)
        if pdf.will_page_break(22):
            pdf.add_page(orientation="L" if section.landscape else "P")
        if table.title:
            pdf.set_font(FONT, "B", 9.5)
            pdf.multi_cell(width, 5, table.title, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(0.5)
        _table(pdf, table, width - 0.05)
    if section.notes:
        pdf.ln(2)
        pdf.set_font(FONT, "", 8)
        for note in section.notes:
            pdf.multi_cell(width, 4, note, new_x="LMARGIN", new_y="NEXT")
    if section.signatures:
        if pdf.will_page_break(10 * len(section.signatures) + 4):
            pdf.add_page(orientation="L" if section.landscape else "P")
        pdf.ln(4)
        pdf.set_font(FONT, "", 9)
        for sig in section.signatures:
            pdf.ln(4)
            pdf.cell(0, 5, sig, new_x="LMARGIN", new_y="NEXT")


def _chunks(table: Table, width: float) -> list[tuple[list[int], float, float]]:
    """Column index lists with their scale and font size, each fitting ``width``."""
    cols = table.columns
    total = sum(c.width for c in cols)
    everything = list(range(len(cols)))
    if total <= width:
        return [(everything, width / total if table.stretch else 1.0, table.font_size)]
    if total * 0.78 <= width:
        scale = width / total
        return [(everything, scale, table.font_size * max(scale, 0.85))]
    frozen = list(range(min(table.frozen, len(cols))))
    frozen_width = sum(cols[i].width for i in frozen)
    units: list[list[int]] = []
    for i in range(len(frozen), len(cols)):
        group = cols[i].group
        if units and group and cols[units[-1][-1]].group == group:
            units[-1].append(i)
        else:
            units.append([i])
    out: list[tuple[list[int], float, float]] = []
    current: list[int] = []
    current_width = frozen_width
    for unit in units:
        unit_width = sum(cols[i].width for i in unit)
        if current and current_width + unit_width > width:
            out.append((frozen + current, 0.0, table.font_size))
            current, current_width = [], frozen_width
        current += unit
        current_width += unit_width
    if current:
        out.append((frozen + current, 0.0, table.font_size))
    fitted = []
    for indices, _, font in out:
        chunk_width = sum(cols[i].width for i in indices)
        scale = width / chunk_width if chunk_width > width or chunk_width > 0.7 * width else 1.0
        fitted.append((indices, scale, font * min(1.0, max(scale, 0.7))))
    return fitted


def _table(pdf: Any, table: Table, width: float) -> None:
    from fpdf.fonts import FontFace

    bold = FontFace(emphasis="BOLD")
    head_style = FontFace(emphasis="BOLD", fill_color=(231, 236, 243))
    for n, (indices, scale, font_size) in enumerate(_chunks(table, width)):
        if n:
            pdf.ln(3)
            if pdf.will_page_break(20):
                pdf.add_page()
        cols = [table.columns[i] for i in indices]
        has_groups = any(c.group for c in cols)
        widths = [c.width * scale for c in cols]
        pdf.set_font(FONT, "", font_size)
        line_height = font_size * 0.48
        with pdf.table(
            width=sum(widths),
            col_widths=widths,
            align="LEFT",
            text_align=tuple(c.align if c.align in "LCR" else "C" for c in cols),
            line_height=line_height,
            num_heading_rows=2 if has_groups else 1,
            repeat_headings=1,
            headings_style=head_style,
            padding=0.6,
        ) as t:
            if has_groups:
                row = t.row()
                i = 0
                while i < len(cols):
                    col = cols[i]
                    if not col.group:
                        row.cell(col.header, rowspan=2, align="C")
                        i += 1
                        continue
                    j = i
                    while j + 1 < len(cols) and cols[j + 1].group == col.group:
                        j += 1
                    row.cell(col.group, colspan=j - i + 1, align="C")
                    i = j + 1
                row = t.row()
                for col in cols:
                    if col.group:
                        row.cell(col.header, align="C")
            else:
                row = t.row()
                for col in cols:
                    row.cell(col.header, align="C")
            for r, values in enumerate(table.rows):
                row = t.row()
                style = bold if r in table.bold_rows else None
                for i in indices:
                    value = values[i] if i < len(values) else ""
                    row.cell(cell_text(value), style=style)
