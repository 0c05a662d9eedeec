"""What a collection has saved and seen, kept in the output folder between runs.

- `manifest.jsonl`: one line per saved document (the user's record; appended,
  never rewritten). A URL whose content changed gets a new line and a new file
  beside the old one (`previous_sha256` names the version it replaces).
- `.nianbao-collect/state.jsonl`: per URL fetched, its validators (ETag,
  Last-Modified), whether it was a page or a document, and for a page the
  links it led to, so an unchanged page (HTTP 304) is followed without being
  downloaded again. Appended line by line: a killed run loses at most the line
  being written.
- `.nianbao-collect/run.json`: when the current run started and whether it
  finished. A run that starts after an unfinished one resumes it: whatever the
  unfinished run already fetched is taken from the ledger without a request.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

MANIFEST = "manifest.jsonl"
STATE_DIR = ".nianbao-collect"
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f\s]+")
_EXT_BY_TYPE = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "application/ofd": ".ofd",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
}
_KNOWN_EXTS = frozenset(
    [".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".et", ".txt", ".rtf", ".odt", ".html", ".htm",
     ".shtml", ".mht", ".mhtml"]
)  # fmt: skip


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as f:
        for line in f:
            try:
                item = json.loads(line)
            except ValueError:
                continue  # a line cut short by a killed run
            if isinstance(item, dict):
                out.append(item)
    return out


def extension(url: str, content_type: str | None, body: bytes) -> str:
    """The file extension to save under: the URL's when it names a document, else from the type or the bytes."""
    ext = os.path.splitext(urlsplit(url).path)[1].lower()
    if ext in _KNOWN_EXTS:
        return ".html" if ext in (".htm", ".shtml") else ext
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    if ct in _EXT_BY_TYPE:
        return _EXT_BY_TYPE[ct]
    head = body[:8]
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head.startswith(b"PK"):
        return ".docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"
    return ".bin"


def file_stem(title: str, url: str) -> str:
    """A readable, safe file name: the link's title, else the URL's last path segment.

    At most 150 bytes in UTF-8: file systems limit a name to 255 bytes, and a Chinese
    character takes three."""
    name = title or os.path.splitext(unquote(os.path.basename(urlsplit(url).path)))[0] or "index"
    name = _UNSAFE.sub("_", name).strip("._") or "document"
    return name.encode("utf-8")[:150].decode("utf-8", "ignore")


@dataclass
class Saved:
    outcome: str  # new | changed | unchanged | duplicate
    entry: dict[str, Any]


class Busy(Exception):
    """Another collection is using the folder (the message is Chinese)."""


def lock(out: str | Path) -> IO[str]:
    """Hold the folder for one collection; raises Busy when another one holds it."""
    d = Path(out) / STATE_DIR
    d.mkdir(parents=True, exist_ok=True)
    f = open(d / "lock", "w")  # noqa: SIM115  (held until the collection ends)
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        f.close()
        raise Busy(f"另一个采集正在使用文件夹 {out}，请等它结束或换一个 --out") from exc
    return f


class Ledger:
    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.dir = self.out / STATE_DIR
        self._lock = lock(self.out)
        self.manifest_path = self.out / MANIFEST
        self.latest: dict[str, dict[str, Any]] = {}  # url → its latest manifest line
        self.by_sha: dict[str, dict[str, Any]] = {}
        for e in _read_jsonl(self.manifest_path):
            self.latest[e["url"]] = e
            self.by_sha.setdefault(e["sha256"], e)
        self.state: dict[str, dict[str, Any]] = {}
        for s in _read_jsonl(self.dir / "state.jsonl"):
            self.state[s["url"]] = s
        self.resume_since: str | None = None
        run = self.dir / "run.json"
        started = now_iso()
        if run.exists():
            try:
                prev = json.loads(run.read_text(encoding="utf-8"))
            except ValueError:
                prev = {}
            if isinstance(prev, dict) and not prev.get("finished") and prev.get("started"):
                self.resume_since = str(prev["started"])
                started = self.resume_since  # a resumed run keeps the interrupted run's start
        self.started = started
        self._write_run(finished=False)
        self._manifest = self.manifest_path.open("a", encoding="utf-8")
        self._state = (self.dir / "state.jsonl").open("a", encoding="utf-8")

    def _write_run(self, finished: bool) -> None:
        tmp = self.dir / "run.json.tmp"
        tmp.write_text(json.dumps({"started": self.started, "finished": finished}), encoding="utf-8")
        os.replace(tmp, self.dir / "run.json")

    def finish(self) -> None:
        self._write_run(finished=True)
        self.close()

    def close(self) -> None:
        for f in (self._manifest, self._state, self._lock):
            if not f.closed:
                f.close()

    # --- validators and resume -------------------------------------------------

    def complete(self, state: dict[str, Any] | None) -> bool:
        """Whether what `state` says was saved is in the manifest (a run killed in between saved nothing)."""
        return state is not None and (not state.get("sha256") or state["sha256"] in self.by_sha)

    def validators(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for `url` from what the last fetch answered."""
        s = self.state.get(url)
        if not self.complete(s):
            return {}
        assert s is not None
        h: dict[str, str] = {}
        if s.get("etag"):
            h["If-None-Match"] = s["etag"]
        if s.get("last_modified"):
            h["If-Modified-Since"] = s["last_modified"]
        return h

    def done_in_this_run(self, url: str) -> dict[str, Any] | None:
        """What an interrupted run already fetched for `url` (resume: no request needed)."""
        s = self.state.get(url)
        if self.resume_since and s and s.get("fetched_at", "") >= self.resume_since and self.complete(s):
            return s
        return None

    def remember(self, url: str, **fields: Any) -> dict[str, Any]:
        s = {"url": url, "fetched_at": now_iso(), **fields}
        if fields.get("status") == 304 and url in self.state:  # keep the validators and links of the 200
            s = {**self.state[url], "fetched_at": s["fetched_at"]}
        self.state[url] = s
        self._state.write(json.dumps(s, ensure_ascii=False) + "\n")
        self._state.flush()
        return s

    # --- documents -------------------------------------------------------------

    def save(
        self,
        *,
        url: str,
        final_url: str,
        title: str,
        list_url: str | None,
        status: int,
        content_type: str | None,
        etag: str | None,
        last_modified: str | None,
        body: bytes,
    ) -> Saved:
        sha = hashlib.sha256(body).hexdigest()
        prev = self.latest.get(url)
        if prev is not None and prev["sha256"] == sha:
            return Saved("unchanged", prev)
        if sha in self.by_sha and (self.out / self.by_sha[sha]["path"]).exists():
            return Saved("duplicate", self.by_sha[sha])  # the same document under another link
        host = _UNSAFE.sub("_", urlsplit(final_url).hostname or "local")
        rel = Path(host) / f"{file_stem(title, final_url)}-{sha[:10]}{extension(final_url, content_type, body)}"
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(body)
        os.replace(tmp, path)
        entry: dict[str, Any] = {
            "url": url,
            "final_url": final_url,
            "title": title,
            "list_url": list_url,
            "fetched_at": now_iso(),
            "status": status,
            "content_type": content_type,
            "etag": etag,
            "last_modified": last_modified,
            "sha256": sha,
            "size": len(body),
            "path": rel.as_posix(),
        }
        if prev is not None:
            entry["previous_sha256"] = prev["sha256"]
        self._manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._manifest.flush()
        self.latest[url] = entry
        self.by_sha.setdefault(sha, entry)
        return Saved("changed" if prev is not None else "new", entry)


def read_manifest(out: str | Path) -> list[dict[str, Any]]:
    return _read_jsonl(Path(out) / MANIFEST)
