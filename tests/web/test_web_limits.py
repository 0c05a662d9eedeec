"""Request bodies: counted as they stream (chunked or not) and stopped at the limit; a body that
stalls or trickles is cut off by a read timeout. At the ASGI level and against uvicorn on loopback."""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nianbao.web.app import Settings, create_app

MB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = b"x0x0x0"


def _head() -> bytes:
    return (
        b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )


def test_chunked_body_stops_at_the_limit_asgi(tmp_path: Path) -> None:
    """No Content-Length, an endless body: the app pulls about the limit, then replies 413."""
    app = create_app(Settings(db=str(tmp_path / "a.db"), max_upload=1 * MB, secret="s"))
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        body = _head() if pulled == 0 else b"x" * CHUNK
        pulled += len(body)
        if pulled > 200 * MB:  # the old code read all of it
            return {"type": "http.request", "body": b"\r\n--" + BOUNDARY + b"--\r\n", "more_body": False}
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/check",
        "raw_path": b"/api/check",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"transfer-encoding", b"chunked"),
            (b"content-type", b"multipart/form-data; boundary=" + BOUNDARY),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert "过大" in body.decode("utf-8")
    assert pulled <= 2 * MB + CHUNK, pulled  # 1 MB file + 1 MB of framing allowance


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    import uvicorn

    app = create_app(
        Settings(db=str(tmp_path / "u.db"), max_upload=1 * MB, secret="s", body_idle_timeout=1.0, body_timeout=3.0)
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield "127.0.0.1", port
    srv.should_exit = True
    t.join(timeout=10)


def _request(extra: bytes) -> bytes:
    return (
        b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=" + BOUNDARY + b"\r\n" + extra + b"\r\n"
    )


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1])


def _read_reply(s: socket.socket) -> bytes:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            got = s.recv(65536)
            if not got:
                break
            data += got
        data += s.recv(65536)
    except (TimeoutError, ConnectionError):
        pass
    return data


def test_chunked_upload_refused_while_streaming(server: tuple[str, int]) -> None:
    """1 GB announced by nobody: the 413 comes once about the limit has been sent, not at the end."""
    total = 0
    with socket.create_connection(server, timeout=20) as s:
        s.sendall(_request(b"Transfer-Encoding: chunked\r\n"))
        first = _head()
        s.sendall(b"%x\r\n%s\r\n" % (len(first), first))
        block = b"%x\r\n%s\r\n" % (CHUNK, b"x" * CHUNK)
        reply = b""
        try:
            while total < 1024 * MB:
                readable, _, _ = select.select([s], [], [], 0)
                if readable:
                    break
                s.sendall(block)
                total += CHUNK
        except (BrokenPipeError, ConnectionResetError):
            pass
        reply = _read_reply(s)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert "过大".encode() in reply
    assert total < 12 * MB, f"{total / MB:.0f} MB sent before the refusal"


def test_body_shorter_than_its_length_times_out(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=15) as s:
        s.sendall(_request(b"Content-Length: 100000\r\n") + _head())
        t0 = time.monotonic()
        select.select([s], [], [], 12)
        took = time.monotonic() - t0
        reply = _read_reply(s)
        closed = time.monotonic() - t0 - took
    assert _status(reply) == 408 and "上传超时".encode() in reply
    assert 0.5 < took < 4, took
    assert closed < 1, f"the connection stayed open {closed:.1f} s after the reply"


def test_trickling_body_times_out(server: tuple[str, int]) -> None:
    """A byte every half second never trips the idle timeout, but the whole body has 3 s."""
    with socket.create_connection(server, timeout=15) as s:
        s.sendall(_request(b"Content-Length: 100000\r\n") + _head())
        t0 = time.monotonic()
        reply = b""
        took = -1.0
        while time.monotonic() - t0 < 12:
            if select.select([s], [], [], 0.5)[0]:
                took = time.monotonic() - t0
                reply = _read_reply(s)
                break
            try:
                s.sendall(b"x")
            except (BrokenPipeError, ConnectionResetError):
                reply = _read_reply(s)
                break
    assert reply and _status(reply) == 408, reply[:200]
    assert 2.5 < took < 6, took


def test_small_forms_have_a_small_limit(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(create_app(Settings(db=str(tmp_path / "f.db"), secret="s")))
    r = c.post("/login", data={"name": "a", "password": "x" * (3 * MB), "csrf": "t"})
    assert r.status_code == 413 and "过大" in r.json()["detail"]
