"""Which addresses a fetch may connect to: public unicast ones only, by default.

A URL from a feed or a user must not reach the machine's own services, its
network's, or a cloud metadata endpoint (169.254.169.254). IPv6 forms that
carry an IPv4 address inside (``::ffff:127.0.0.1``, 6to4 ``2002:7f00:1::``)
are judged by the IPv4 address they carry. A user who runs a site on such an
address names it (:class:`Allowance`): that host or network only, not all.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


class Allowance:
    """Which non-public addresses may be fetched: all, none, or named hosts' and networks'.

    ``hosts`` holds host names (``intranet.example``: whatever it resolves
    to), addresses (``10.1.2.3``) and networks (``10.0.0.0/8``, ``fd00::/8``).
    Raises :class:`ValueError` for an entry that is none of these.
    """

    def __init__(self, *, allow_all: bool = False, hosts: Iterable[str] = ()) -> None:
        self.allow_all = allow_all
        self.names: set[str] = set()
        self.networks: list[IPNetwork] = []
        for entry in hosts:
            try:
                self.networks.append(ipaddress.ip_network(entry.strip().strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            name = entry.strip().lower().rstrip(".")
            if not _HOST_NAME.match(name):
                raise ValueError(f"not a host name, address or network: {entry!r}")
            self.names.add(name)

    def permits(self, host: str, address: str | IPAddress) -> bool:
        """Whether ``host``, found at ``address``, may be connected to."""
        if self.allow_all or is_public_address(address):
            return True
        if host.lower().rstrip(".") in self.names:
            return True
        try:
            ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        except ValueError:
            return False
        return any(ip in network for network in self.networks)


def is_public_address(ip: str | IPAddress) -> bool:
    """Whether ``ip`` is a public unicast address: not private, loopback,
    link-local, multicast, reserved, unspecified or shared (CGNAT)."""
    try:
        address = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            address = embedded
    # is_global alone lets multicast through, and the rest are spelled out
    # so that a change in one Python's tables cannot open a hole.
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells out (``127.0.0.1``, ``::1``, ``[::1]``), else ``None``."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to for a TCP connection, in the resolver's order.

    Raises :class:`OSError` (``socket.gaierror``) when it does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))
