"""The address policy of every fetch: which IP addresses a URL may lead us to.

A URL we are handed (a feed, a pasted link, a redirect) must not make us read a router page, a
local admin port or a cloud metadata service. :func:`address_refusal` is the pure rule;
:class:`AddressPolicy` adds the settings' exceptions (``allow_private_addresses``,
``allowed_networks``). Pure logic, no I/O and no httpx: the connection-level guard that applies
it after DNS (``GuardedTransport``) lives in :mod:`provenance.fetch`, the one module that owns
httpx; a crawler that must apply the same rule elsewhere imports it from here.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import ProvenanceError
from .settings import Settings

__all__ = ["ALLOW_HINT", "AddressPolicy", "IPAddress", "IPNetwork", "address_refusal", "refused"]

#: Ends every refusal: the one way to lift the policy, named where the user meets it.
ALLOW_HINT = "use --allow-private to fetch internal addresses"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges whose kind ipaddress has no property for, or lumps in with others under is_private.
_PRIVATE_V4 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT
_UNIQUE_LOCAL_V6 = ipaddress.IPv6Network("fc00::/7")
_NAT64_V6 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: IPv4 in the low 32 bits
_COMPATIBLE_V6 = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible form ::a.b.c.d

#: Numbers that the C resolver (inet_aton) reads as an IPv4 address: 2130706433, 0x7f000001,
#: 0177.0.0.1, 127.1. getaddrinfo turns them into an address without DNS, so they are literals.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)


def address_refusal(address: str | int | IPAddress) -> str | None:
    """Why ``address`` must not be fetched by default, as a noun phrase; ``None`` when it may be.

    Refused: unspecified, loopback, link-local, multicast, private (RFC 1918, unique local
    fc00::/7, site-local fec0::/10), shared (100.64.0.0/10), reserved and other special-purpose
    addresses that are not globally routable. An IPv6 address that carries an IPv4 one
    (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4, Teredo's client) is judged by the
    IPv4 address it leads to::

        >>> address_refusal("127.0.0.1")
        'a loopback address'
        >>> address_refusal("::ffff:10.0.0.1")
        'the IPv4-mapped form of 10.0.0.1, a private address'
        >>> address_refusal("93.184.215.14") is None
        True

    ``address`` is an :mod:`ipaddress` address, an int, or a standard spelling (``ValueError``
    otherwise). This is the policy alone; :class:`AddressPolicy` adds the settings' exceptions.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str | int) else address
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_refusal(ip)
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        form, ipv4 = embedded
        inner = _ipv4_refusal(ipv4)
        return None if inner is None else f"the {form} form of {ipv4}, {inner}"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_site_local:
        return "a site-local address"
    if ip in _UNIQUE_LOCAL_V6:
        return "a private (unique local) address"
    return _unrouted_refusal(ip)


def _ipv4_refusal(ip: ipaddress.IPv4Address) -> str | None:
    if ip.is_unspecified:  # connecting to 0.0.0.0 reaches this very host
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:  # 169.254.169.254 is the cloud metadata service
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip in _SHARED_V4:
        return "a shared address (carrier-grade NAT)"
    if any(ip in network for network in _PRIVATE_V4):
        return "a private address"
    return _unrouted_refusal(ip)


def _unrouted_refusal(ip: IPAddress) -> str | None:
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:  # documentation, benchmarking, 0.0.0.0/8, discard-only …
        return "a special-purpose address (not globally routable)"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 one leads to, with the name of the form, when ipaddress can tell."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip in _NAT64_V6:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]  # (server, client): the client is the host reached
    if ip in _COMPATIBLE_V6:  # :: and ::1 were judged before
        return "IPv4-compatible", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _literal_address(host: str) -> tuple[IPAddress, bool] | None:
    """The address a URL host spells as a number, and whether it is a standard spelling.

    ``None`` for a name. Legacy IPv4 spellings (decimal, octal, hex, shortened) count: the
    resolver reads them as addresses, so they must be judged as addresses.
    """
    host = unquote(host).strip("[]").rstrip(".")  # "%25" zone separator, "127.0.0.1." is 127.0.0.1
    try:
        return ipaddress.ip_address(host), True
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host)), False
        except OSError:  # out of range: not an address (and no resolver will read it as one)
            return None
    return None


def _is_localhost(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")  # RFC 6761: always loopback


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be fetched: :func:`address_refusal`, minus the settings' exceptions.

    ``allow_private`` lifts the policy; ``allowed_networks`` lets chosen networks through (an
    intranet, a test server). An IPv6 form of an IPv4 address (e.g. IPv4-mapped) is let through
    when the IPv4 address is. Methods return the refusal as one line, or ``None`` when allowed.
    """

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressPolicy:
        """The policy of ``settings``; :class:`ProvenanceError` for an allowed network that is not one."""
        networks = []
        for cidr in settings.allowed_networks:
            try:
                networks.append(ipaddress.ip_network(cidr))
            except ValueError:
                raise ProvenanceError(f"allowed_networks: {cidr!r} is not an IP network like 10.1.0.0/16") from None
        return cls(settings.allow_private_addresses, tuple(networks))

    def refusal(self, address: str | int | IPAddress) -> str | None:
        """Why ``address`` is refused (a noun phrase as :func:`address_refusal`), or ``None``."""
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address) if isinstance(address, str | int) else address
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
            candidates.append(embedded[1])
        if any(candidate in network for candidate in candidates for network in self.allowed_networks):
            return None
        return address_refusal(ip)

    def host_refusal(self, host: str) -> str | None:
        """Why a URL's ``host`` is refused before any I/O: a literal address (any spelling) or localhost.

        ``None`` for any other name: its addresses are judged when it is resolved.
        """
        if self.allow_private:
            return None
        if _is_localhost(host):
            if self.refusal(ipaddress.IPv4Address("127.0.0.1")) and self.refusal(ipaddress.IPv6Address("::1")):
                return f"{host} is a loopback name"
            return None  # loopback is allowed by allowed_networks: the resolved addresses decide
        literal = _literal_address(host)
        if literal is None:
            return None
        ip, standard = literal
        phrase = self.refusal(ip)
        if phrase is None:
            return None
        return f"{host} is {phrase}" if standard else f"{host} is {ip}, {phrase}"

    def resolved_refusal(self, host: str, address: str) -> str | None:
        """Why connecting to ``address``, which ``host`` resolved to, is refused; or ``None``."""
        phrase = self.refusal(address)
        if phrase is None:
            return None
        if _literal_address(host) is not None and (literal := self.host_refusal(host)) is not None:
            return literal  # a number, not a name: say what it spells, as before any I/O
        return f"{host} resolves to {ipaddress.ip_address(address)}, {phrase}"


def refused(detail: str) -> str:
    """A refusal reason: ``detail`` and the one way to lift the policy."""
    return f"refused: {detail} ({ALLOW_HINT})"
