"""Reports and paper (seed 002 §5.2.2, seed 003 §4.3, §4.5, §7.3, §2.5, §8.1) as XLSX and PDF."""

from services.reports.registry import (
    REPORTS,
    ParamSpec,
    ReportFile,
    ReportKind,
    available_reports,
    build_report,
    list_reports,
)

__all__ = [
    "REPORTS",
    "ParamSpec",
    "ReportFile",
    "ReportKind",
    "available_reports",
    "build_report",
    "list_reports",
]
