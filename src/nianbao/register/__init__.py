"""The register of applications → Table 3 (收到和处理政府信息公开申请情况) and answer deadlines."""

from nianbao.register.core import (
    ANSWER_DAYS,
    EXTENSION_DAYS,
    FIELDS,
    Deadline,
    Problem,
    RegisterError,
    RegisterResult,
    parse_date,
    read_rows,
    tabulate,
    tabulate_file,
)
from nianbao.register.workdays import CalendarError, Workdays, covered_years, workdays

__all__ = [
    "ANSWER_DAYS",
    "EXTENSION_DAYS",
    "FIELDS",
    "CalendarError",
    "Deadline",
    "Problem",
    "RegisterError",
    "RegisterResult",
    "Workdays",
    "covered_years",
    "parse_date",
    "read_rows",
    "tabulate",
    "tabulate_file",
    "workdays",
]
