"""The self-contained HTML report of an experiment (DESIGN section 6)."""

from sim.report.html import render_report, table_html, write_report
from sim.report.tables import outcome_summary_table

__all__ = ["outcome_summary_table", "render_report", "table_html", "write_report"]
