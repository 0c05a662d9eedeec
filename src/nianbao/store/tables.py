"""The corpus database schema (SQLAlchemy Core tables).

Cells are stored in long form, one row per (report, table, row, column), so a
new template row never needs a migration. Money and counts share one float
column: counts are integers far below 2**53, so nothing is lost; readers
convert back with the template's column kind.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

LEVELS = ("province", "city", "county", "township")

regions = Table(
    "regions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("level", String(16), nullable=False),  # province | city | county | township
    Column("parent_id", Integer, ForeignKey("regions.id"), nullable=True, index=True),
    Column("code", String(12), nullable=True),  # administrative division code, when known
    # Materialised ancestry "/1/5/23/" (ids from the province down): subtree = path LIKE '/1/5/%'.
    Column("path", String(255), nullable=False, default="", index=True),
    UniqueConstraint("parent_id", "name", name="uq_regions_parent_name"),
)

agencies = Table(
    "agencies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),  # the latest name printed in a title
    # The body within its region: "审批服务管理局"; "" for the region's government itself.
    Column("unit", String(200), nullable=False),
    Column("region_id", Integer, ForeignKey("regions.id"), nullable=True, index=True),
    Column("is_government", Boolean, nullable=False, default=False),
    Column("region_source", String(16), nullable=False, default="gazetteer"),  # gazetteer | manual | ambiguous | none
)

agency_names = Table(
    "agency_names",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("agency_id", Integer, ForeignKey("agencies.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("first_year", Integer, nullable=True),
    Column("last_year", Integer, nullable=True),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("size", BigInteger, nullable=True),
    Column("status", String(16), nullable=False),  # ok | failed
    Column("error", Text, nullable=True),  # Chinese reason when failed
    Column("agency_id", Integer, ForeignKey("agencies.id"), nullable=True, index=True),
    Column("agency_name", String(200), nullable=True),  # as printed
    Column("year", Integer, nullable=True, index=True),
    Column("format", String(8), nullable=True),  # template version: 2021 | 2019
    Column("title", Text, nullable=True),
    Column("published", Date, nullable=True),
    Column("n_errors", Integer, nullable=False, default=0),
    Column("n_warnings", Integer, nullable=False, default=0),
    Column("ingested_at", DateTime, nullable=False),
    # False until the corpus passes (history, copies) have seen this report.
    Column("analysed", Boolean, nullable=False, default=False, index=True),
    # Where `nianbao collect` found it (migration 0003): the original URL and when it was fetched.
    # A republished report with other content is another row with the same URL (a new version).
    Column("source_url", Text, nullable=True),
    Column("fetched_at", DateTime, nullable=True),
)
Index("ix_reports_agency_year", reports.c.agency_id, reports.c.year)
Index("ix_reports_source_url", reports.c.source_url)

cells = Table(
    "cells",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("table_key", String(32), primary_key=True),
    Column("row_key", String(64), primary_key=True),
    Column("column_key", String(32), primary_key=True),
    Column("value", Float, nullable=True),
    Column("blank", Boolean, nullable=False),  # printed empty; no value and not blank: unread
    Column("line", Integer, nullable=True),
    Column("page", Integer, nullable=True),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("rule", String(64), nullable=False, index=True),
    Column("severity", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Column("table_key", String(32), nullable=True),
    Column("row_key", String(64), nullable=True),
    Column("column_key", String(32), nullable=True),
    Column("expected", Text, nullable=True),  # JSON
    Column("actual", Text, nullable=True),  # JSON
    Column("line", Integer, nullable=True),
    Column("scope", String(16), nullable=False, default="report"),  # report | history | corpus
)

sections = Table(
    "sections",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(32), primary_key=True),
    Column("title", Text, nullable=True),
    Column("text", Text, nullable=False),
    Column("line", Integer, nullable=True),
)

indicator_values = Table(
    "indicator_values",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator", String(32), primary_key=True),
    Column("numerator", Float, nullable=True),
    Column("denominator", Float, nullable=True),
    # Copies of the report's year and agency (migration 0002): dashboard queries filter on them.
    Column("year", Integer, nullable=True),
    Column("agency_id", Integer, nullable=True),
)
Index("ix_indicator_values_indicator", indicator_values.c.indicator)
Index("ix_indicator_values_indicator_year", indicator_values.c.indicator, indicator_values.c.year)
Index("ix_indicator_values_agency_indicator", indicator_values.c.agency_id, indicator_values.c.indicator)

signatures = Table(
    "signatures",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("minhash", LargeBinary, nullable=False),  # uint32 hash values, little endian
    Column("skeleton", String(64), nullable=False),  # sha256 of the narrative with digits removed
)
Index("ix_signatures_skeleton", signatures.c.skeleton)
