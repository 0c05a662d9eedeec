"""The one error a reader raises: a reason a clerk can read; and how system errors read in Chinese."""

from __future__ import annotations

import errno
import logging
import os

log = logging.getLogger("nianbao.readers")


class ReadError(Exception):
    """The file cannot be read as a report; `reason` is in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_ERRNO = {
    errno.ENOENT: "文件不存在（或是指向不存在文件的链接）",
    errno.EACCES: "没有读取这个文件的权限",
    errno.EPERM: "没有读取这个文件的权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ELOOP: "链接层层指向自身（符号链接循环），无法打开",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EIO: "读取时发生输入输出错误（磁盘或网络存储故障）",
    errno.ENXIO: "设备不存在或不可用",
    errno.ENODEV: "设备不存在或不可用",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENFILE: "同时打开的文件过多",
    errno.ENOMEM: "内存不足",
    errno.ETIMEDOUT: "读取超时（网络存储无响应）",
    errno.ESTALE: "网络存储上的文件已失效",
    errno.EBUSY: "文件正被占用",
    errno.EINVAL: "文件无法按普通文件读取",
}


def os_reason(exc: OSError, action: str = "打开") -> str:
    """A Chinese reason for a failed open or read; the system's English text goes to the debug log only."""
    log.debug("OSError while reading: %r", exc)
    what = _ERRNO.get(exc.errno or 0)
    if what is None:
        code = errno.errorcode.get(exc.errno or 0, "")
        return f"无法{action}文件（系统错误{(' ' + code) if code else ''}）"
    return f"无法{action}文件：{what}"


def display_path(path: str | os.PathLike[str] | bytes) -> str:
    """A path as it can be shown and stored: bytes that are not UTF-8 (a name written in GBK,
    kept by Python as surrogates) become U+FFFD, so every output is valid UTF-8."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that did not come from the file system
        raw = os.fspath(path).encode("utf-8", errors="replace")  # type: ignore[union-attr]
    return raw.decode("utf-8", errors="replace")
