"""reports keep where they were collected from: the original URL and when it was fetched

Revision ID: 0003_report_origin
Revises: 0002_indicator_year
Create Date: 2026-12-02 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_report_origin"
down_revision = "0002_indicator_year"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fetched_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_reports_source_url", ["source_url"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_source_url")
        batch_op.drop_column("fetched_at")
        batch_op.drop_column("source_url")
