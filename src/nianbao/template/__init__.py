"""The national templates as data: tables, rows, columns, labels and sums."""

from nianbao.template.formats import (
    APPLICANT_COLUMNS,
    APPLICANT_HEADER_WORDS,
    FORMATS,
    RESULT_COLUMNS,
    SECTION_KEYS,
    SECTIONS,
    T3_ROWS_ALL,
    TABLE_KEYS,
    TEMPLATES,
    Column,
    Row,
    Section,
    Table,
    Template,
    expected_format,
    template_for,
)
from nianbao.template.sums import Equation, outcome_rows, table3_equations, table4_equations

__all__ = [
    "APPLICANT_COLUMNS",
    "APPLICANT_HEADER_WORDS",
    "FORMATS",
    "RESULT_COLUMNS",
    "SECTIONS",
    "SECTION_KEYS",
    "T3_ROWS_ALL",
    "TABLE_KEYS",
    "TEMPLATES",
    "Column",
    "Equation",
    "Row",
    "Section",
    "Table",
    "Template",
    "expected_format",
    "outcome_rows",
    "table3_equations",
    "table4_equations",
    "template_for",
]
