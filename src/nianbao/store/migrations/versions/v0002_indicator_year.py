"""indicator_values carries the report's year and agency (fast dashboard queries)

Revision ID: 0002_indicator_year
Revises: 0100_web
Create Date: 2026-11-22 03:25:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_indicator_year"
down_revision = "0100_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_indicator_values_indicator_year", ["indicator", "year"], unique=False)
        batch_op.create_index("ix_indicator_values_agency_indicator", ["agency_id", "indicator"], unique=False)
    op.execute(
        "UPDATE indicator_values SET year = (SELECT year FROM reports WHERE reports.id = indicator_values.report_id),"
        " agency_id = (SELECT agency_id FROM reports WHERE reports.id = indicator_values.report_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_values_agency_indicator")
        batch_op.drop_index("ix_indicator_values_indicator_year")
        batch_op.drop_column("agency_id")
        batch_op.drop_column("year")
