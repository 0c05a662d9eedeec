"""Which addresses a collection may reach (SSRF guard).

Every request — the first one, each redirect hop and robots.txt — is checked
before it is sent: http/https only, and the host's addresses (resolved through
DNS, all of them) must be public. `allow_private` lifts the ban on private and
loopback networks for tests and intranets; link-local (169.254.0.0/16, where
cloud metadata services live), multicast, unspecified and reserved addresses
stay refused even then. The download itself goes through a resolver that
applies the same rule, so a name that resolves differently a moment later
(DNS rebinding) cannot slip through between the check and the connection.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolve = Callable[[str], Iterable[str]]

SCHEMES = ("http", "https")


class Refused(Exception):
    """An address a collection must not reach; the message is the Chinese reason."""


def _system_resolve(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"无法解析域名 {host}") from exc
    return [str(i[4][0]) for i in infos]


def address_refusal(ip: Address, allow_private: bool) -> str | None:
    """Why `ip` may not be reached, or None when it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_refusal(ip.ipv4_mapped, allow_private)
    if ip.is_link_local:
        return f"链路本地地址 {ip}（云服务器元数据等）一律不访问"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return f"保留或广播地址 {ip} 不访问"
    if ip.is_loopback or ip.is_private or not ip.is_global:
        if allow_private:
            return None
        return f"内网或本机地址 {ip} 不访问（内网采集请用 --allow-private）"
    return None


def check_url(url: str, allow_private: bool, resolve: Resolve = _system_resolve) -> list[str]:
    """The addresses of `url`'s host when every one may be reached; raises Refused otherwise."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError as exc:
        raise Refused(f"网址不正确：{url}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise Refused(f"只采集 http/https 网址，不访问 {parts.scheme or '（无协议）'}: 地址")
    if not host:
        raise Refused(f"网址没有主机名：{url}")
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = list(resolve(host))
    if not addresses:
        raise Refused(f"无法解析域名 {host}")
    for a in addresses:
        reason = address_refusal(ipaddress.ip_address(a.split("%", 1)[0]), allow_private)
        if reason:
            raise Refused(f"{host}：{reason}" if a != host else reason)
    return addresses
