"""A budget of time and memory for each file.

Reading one hostile file (a picture of 7700×7700 pixels, 13 MB on one line, a parser
that loops) must not cost a batch or the server more than a file's worth. The work runs
in worker processes: each has a memory limit (RLIMIT_DATA, set in the child) and each
call a timeout, after which the worker is killed and replaced. Over budget, the file
becomes one failure with a Chinese reason and the batch goes on.

RLIMIT_DATA rather than RLIMIT_AS: the OCR runtime reserves ~1.7 GB of address space
(thread stacks, malloc arenas) to use ~0.6 GB, so an address-space limit refuses honest
scans; the data limit counts the heap and anonymous mappings, the memory a file makes us use.

Workers are forked from the caller when it runs a single thread (the CLI, ingest: cheap),
else from a fork server (the web server: forking a threaded process can copy a held lock).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

log = logging.getLogger("nianbao.budget")

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741

DEFAULT_TIMEOUT = 120.0  # seconds a file; a long scanned PDF takes ~60 s on one core
DEFAULT_MEMORY_MB = 2048  # the OCR of a page at 300 dpi uses ~0.8 GB


@dataclass(frozen=True)
class Budget:
    timeout: float = DEFAULT_TIMEOUT  # seconds per file; 0: no limit
    memory_mb: int = DEFAULT_MEMORY_MB  # heap of the worker; 0: no limit

    @property
    def limited(self) -> bool:
        return self.timeout > 0 or self.memory_mb > 0

    def timeout_reason(self) -> str:
        return f"处理超时（超过 {self.timeout:g} 秒），已停止处理这个文件"

    def memory_reason(self) -> str:
        return f"超出内存上限（{self.memory_mb} MB），已停止处理这个文件"

    def crash_reason(self) -> str:
        limit = f"可能超出内存上限（{self.memory_mb} MB），或" if self.memory_mb else "可能"
        return f"处理时进程异常终止（{limit}文件触发了解析库的缺陷），已跳过这个文件"


class FileFailure(Exception):
    """The work on one file failed in its worker; `reason` is in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OverBudget(FileFailure):
    """A file took more time or memory than its budget."""


BUG_REASON = "处理这个文件时程序内部出错，已跳过这个文件（详情见调试日志）"


def _serve(conn: Connection, memory_mb: int) -> None:
    """A worker's loop: run each call sent, answer ("ok", value) or ("memory"|"error", text)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    with contextlib.suppress(OSError):  # a group of its own: a converter it starts (soffice) dies with it
        os.setpgid(0, 0)
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if msg is None:
            return
        fn, args, kwargs = msg
        try:
            reply: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # a bug: the caller turns it into one failure
            log.debug("work in the worker failed", exc_info=True)
            reply = ("error", type(exc).__name__)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
        except (OSError, EOFError):
            return
        except Exception as exc:  # the value does not pickle
            conn.send(("error", type(exc).__name__))
        if reply[0] == "memory":  # the heap may be left fragmented: start afresh
            return


def _context(forkserver: bool) -> Any:  # a fork or forkserver context
    if not forkserver:
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["nianbao.batch", "nianbao.store.ingest"])
    return ctx


class _Worker:
    def __init__(self, budget: Budget, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, budget.memory_mb), daemon=True, name="nianbao-worker")
        self.proc.start()
        child.close()
        self.alive = True

    def call(self, budget: Budget, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        try:
            self.conn.send((fn, args, kwargs))
            ready = self.conn.poll(budget.timeout if budget.timeout > 0 else None)
            if not ready:
                self.stop()
                raise OverBudget(budget.timeout_reason())
            status, value = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.stop()
            raise OverBudget(budget.crash_reason()) from None
        if status == "ok":
            return value  # type: ignore[no-any-return]
        if status == "memory":
            self.stop()
            raise OverBudget(budget.memory_reason())
        log.debug("worker raised %s", value)
        raise FileFailure(BUG_REASON)

    def stop(self) -> None:
        self.alive = False
        if self.proc.is_alive() and self.proc.pid is not None:
            with contextlib.suppress(OSError):  # the worker's own group: it and what it started
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def close(self) -> None:
        """Ask an idle worker to leave; kill it if it does not."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.proc.join(2)
        self.stop()


class Pool:
    """Up to `workers` worker processes, started on demand; safe to call from many threads.
    Workers are forked from the caller when it is created in a process running one thread
    (the CLI, ingest), else (or with `forkserver=True`, for a server) from a fork server."""

    def __init__(self, workers: int = 1, budget: Budget | None = None, *, forkserver: bool | None = None) -> None:
        self.workers = max(1, workers)
        self.budget = budget or Budget()
        self._ctx = _context(threading.active_count() > 1 if forkserver is None else forkserver)
        self._slots = threading.BoundedSemaphore(self.workers)
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) in a worker within the budget; raises OverBudget, or FileFailure
        for a bug in `fn` (a module-level function)."""
        with self._slots:
            worker = self._take()
            try:
                return worker.call(self.budget, fn, args, kwargs)
            finally:
                if worker.alive:
                    self._idle.put(worker)

    def _take(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._closed:
                raise RuntimeError("pool closed")
            self._all = [w for w in self._all if w.alive]
            w = _Worker(self.budget, self._ctx)
            self._all.append(w)
            return w

    def imap(self, fn: Callable[[I], T], items: Iterable[I]) -> Iterator[tuple[I, T | FileFailure]]:
        """(item, fn(item) or FileFailure) in the order of `items`, `workers` at a time,
        with a bounded number in flight so memory stays flat however many items there are."""
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="nianbao-budget") as ex:
            pending: deque[tuple[I, Future[T]]] = deque()

            def result(item: I, fut: Future[T]) -> tuple[I, T | FileFailure]:
                try:
                    return item, fut.result()
                except FileFailure as exc:
                    return item, exc
                except Exception:  # in-process (no budget): a bug on one file must not stop the batch
                    log.debug("work on %r failed", item, exc_info=True)
                    return item, FileFailure(BUG_REASON)

            for item in items:
                pending.append((item, ex.submit(self.call, fn, item)))
                while len(pending) >= self.workers * 2:
                    yield result(*pending.popleft())
            while pending:
                yield result(*pending.popleft())

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = self._all, []
        for w in workers:
            if w.alive:
                w.close()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- the shared pool of a long-running process (the web server) ---------------------------

_shared: Pool | None = None
_shared_lock = threading.Lock()


def budget_from_env() -> Budget:
    """The budget `nianbao serve` passes to its processes (NIANBAO_TIMEOUT, NIANBAO_MAX_MEMORY_MB)."""
    try:
        timeout = float(os.environ.get("NIANBAO_TIMEOUT", DEFAULT_TIMEOUT))
        memory = int(os.environ.get("NIANBAO_MAX_MEMORY_MB", DEFAULT_MEMORY_MB))
    except ValueError:
        return Budget()
    return Budget(timeout, memory)


def configure(budget: Budget, workers: int | None = None) -> None:
    """Set the budget of the shared pool (replacing a pool already started)."""
    global _shared
    os.environ["NIANBAO_TIMEOUT"] = f"{budget.timeout:g}"
    os.environ["NIANBAO_MAX_MEMORY_MB"] = str(budget.memory_mb)
    with _shared_lock:
        old, _shared = _shared, Pool(workers or os.cpu_count() or 1, budget, forkserver=True)
    if old is not None:
        old.close()


def shared() -> Pool:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Pool(os.cpu_count() or 1, budget_from_env(), forkserver=True)
        return _shared


def within(fn: Callable[..., T], *args: Any, fallback: Callable[[str], T], **kwargs: Any) -> T:
    """fn(*args) in the shared pool; `fallback(reason)` when the file is over its budget."""
    try:
        return shared().call(fn, *args, **kwargs)
    except FileFailure as exc:
        return fallback(exc.reason)
