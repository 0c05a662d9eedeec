"""The SSRF guard decides on addresses without sending anything anywhere (resolution is injected)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from nianbao.collect.guard import Refused, check_url
from nianbao.collect.spider import retry_after


def dns(table: dict[str, list[str]]) -> Callable[[str], Iterable[str]]:
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise Refused(f"无法解析域名 {host}")
        return table[host]

    return resolve


NAMES = dns(
    {
        "www.gov.cn": ["203.119.25.1"],
        "intranet.example": ["10.1.2.3"],
        "mixed.example": ["203.119.25.1", "192.168.1.9"],
        "meta.example": ["169.254.169.254"],
        "v6local.example": ["fe80::1"],
    }
)


def test_public_addresses_pass() -> None:
    assert check_url("https://www.gov.cn/zhengce/", False, NAMES) == ["203.119.25.1"]
    assert check_url("http://203.119.25.1:8080/x", False, NAMES) == ["203.119.25.1"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost.invalid/",  # cannot be resolved
        "http://intranet.example/",
        "http://mixed.example/",  # one private address is enough to refuse
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_loopback_and_unresolvable_refused(url: str) -> None:
    with pytest.raises(Refused):
        check_url(url, False, NAMES)


def test_allow_private_lifts_private_and_loopback_only() -> None:
    assert check_url("http://127.0.0.1:8000/", True, NAMES) == ["127.0.0.1"]
    assert check_url("http://intranet.example/", True, NAMES) == ["10.1.2.3"]
    for url in ("http://169.254.169.254/latest/meta-data/", "http://meta.example/", "http://v6local.example/"):
        with pytest.raises(Refused, match="链路本地"):
            check_url(url, True, NAMES)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://www.gov.cn/a.pdf", "gopher://www.gov.cn/", "www.gov.cn"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(Refused):
        check_url(url, True, NAMES)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
    assert retry_after("soon") is None
    assert retry_after(None) is None
