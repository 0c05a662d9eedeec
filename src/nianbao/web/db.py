"""Tables of the web application (users, reviews, comments, uploaded originals, sessions, failed sign-ins).

Created by the store migrations `0100_web` and `0101_web_sessions`; kept in their own MetaData so the
store's tables module stays the store engineer's.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

ROLES = ("admin", "reviewer", "viewer")

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# A reviewer's decision on one finding (confirmed | dismissed), or on the whole report
# (finding_id NULL, decision "done"). Rows are never deleted: the latest per finding counts.
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, nullable=False, index=True),
    Column("finding_id", Integer, nullable=True, index=True),
    Column("decision", String(16), nullable=False),
    Column("comment", Text, nullable=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", DateTime, nullable=False),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# The original bytes of a report uploaded through the web app, for the source view.
uploads = Table(
    "uploads",
    metadata,
    Column("report_id", Integer, primary_key=True),
    Column("filename", String(255), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("user_id", Integer, nullable=True),
    Column("created_at", DateTime, nullable=False),
)

# A signed-in browser session (migration 0101). The cookie holds a random token; only its
# SHA-256 is stored, so reading the database does not give anyone a session. Deleting the
# row ends the session: logout, a password reset and a role change do that.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

# One failed sign-in (form or HTTP Basic), for the brute-force limit; rows older than the
# window are deleted as new ones come in. In the database, so every worker process sees them.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_login_failures_account", "account", "at"),
    Index("ix_login_failures_address", "address", "at"),
)
