"""Webhooks as plain data: the events, the signature, and which addresses may receive them."""

import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

EVENTS = (
    "dispute.filed",
    "dispute.state_changed",
    "dispute.assigned",
    "credit_memo.approved",
    "credit_memo.issued",
    "credit_memo.reversed",
    "credit_memo.rebill_requested",  # credit and rebill: a corrected invoice is asked for
    "credit_memo.rebilled",  # the billing system reported the corrected invoice's number
    "sla.breached",
    "billing_exception.rebill_requested",  # the billing system is asked for a corrected invoice
    "collections.hold",  # a dispute opened (or reopened): hold its amount from dunning
    "collections.released",  # it was settled: the hold is lifted (see GET /open-items)
)
SIGNATURE_HEADER = "Disputedesk-Signature"
TOLERANCE_SECONDS = 300  # receivers refuse a signature older (or newer) than this

# Never a destination, whatever an admin allows: cloud metadata services and link-local.
METADATA = {
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
}
LINK_LOCAL = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"))


VERSION = 2  # of the delivery body; 2 added `version`, `dispute` and `sequence`


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header value: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + raw body>."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def sign_all(secrets: list[str], timestamp: int, body: bytes) -> str:
    """The header value with one v1 per secret in force (a rotation's overlap: new, then old)."""
    return f"t={timestamp}," + ",".join(f"v1={_mac(s, timestamp, body)}" for s in secrets)


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Check a signature header as a receiver should: right key (any v1), right body, fresh."""
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    stamps = [v for k, v in parts if k == "t"]
    macs = [v for k, v in parts if k == "v1"]
    if len(stamps) != 1 or not stamps[0].isascii() or not stamps[0].isdigit() or not macs:
        return False
    timestamp = int(stamps[0])
    if abs(now - timestamp) > tolerance:
        return False
    expected = _mac(secret, timestamp, body)
    return any(hmac.compare_digest(expected, mac) for mac in macs)


def host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    """Tell whether an admin's allow-list names this host: exact, *.suffix, or an IP network."""
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry.startswith("*.") and host.endswith(entry[1:]):
            return True
        if host == entry:
            return True
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def url_problem(url: str, allowed: tuple[str, ...]) -> str | None:
    """Say what is wrong with a subscription's URL, or None when it may be used."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "not a valid URL"
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "an http:// or https:// URL with a host"
    if parts.username or parts.password:
        return "credentials do not belong in the URL; sign with the secret instead"
    if not host_allowed(parts.hostname, allowed):
        return f"{parts.hostname} is not on the allowed hosts (WEBHOOK_ALLOWED_HOSTS)"
    return None


def address_problem(address: str, allowed: tuple[str, ...], allow_loopback: bool) -> str | None:
    """Say why a resolved address must not be connected to, or None when it may."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA or any(ip in net for net in LINK_LOCAL):
        return f"{ip} is a link-local or metadata address"
    if ip.is_loopback:
        return None if allow_loopback else f"{ip} is loopback (WEBHOOK_ALLOW_LOOPBACK is off)"
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return f"{ip} is not a unicast address"
    if ip.is_private and not host_allowed(str(ip), tuple(a for a in allowed if "/" in a)):
        return f"{ip} is a private address not in the allowed networks"
    return None
