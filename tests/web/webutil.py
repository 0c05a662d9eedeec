"""Helpers for the web tests (paths, sign-in, uploads through the form)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

FIXTURES = Path(__file__).parent.parent / "fixtures"
TXT = FIXTURES / "000_43e3c9ba6b70e239.txt"
PDF = FIXTURES / "hongze-2023.pdf"
PASSWORD = "correct-horse-1"
HTML = {"accept": "text/html"}


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path, headers=HTML).text
    m = re.search(r'name="csrf" value="([^"]+)"', page)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client: TestClient, name: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    tok = csrf_of(client, "/login")
    r = client.post(
        "/login", data={"name": name, "password": PASSWORD, "csrf": tok}, headers=HTML, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    return csrf_of(client)


def upload(client: TestClient, tok: str, path: Path, name: str | None = None) -> int:
    """Store a file through the check form; returns the report id."""
    r = client.post(
        "/check",
        data={"csrf": tok, "store": "1"},
        files={"files": (name or path.name, path.read_bytes())},
        headers=HTML,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[-1])
