"""Import of staff, classes, students, parents, subjects, teaching assignments, the timetable
and bell times from CSV or XLSX (docs/import-format.md)."""

from services.imports.core import ImportIssue, ImportResult, import_file
from services.imports.specs import KINDS, Column, Kind
from services.imports.templates import template_csv, template_xlsx, write_templates

__all__ = [
    "KINDS",
    "Column",
    "ImportIssue",
    "ImportResult",
    "Kind",
    "import_file",
    "template_csv",
    "template_xlsx",
    "write_templates",
]
