"""The client's address, for the editors' sign-in throttle (certcatalog/signin.py, django-axes).

Only ever a valid IP address in canonical form, or None when the connection has none: the address
is stored (AccessAttempt.ip_address, an `inet` column on PostgreSQL) and compared, so a malformed
X-Forwarded-For must neither reach the database (a 500) nor pick a bucket of its own (issue #22).
"""

import ipaddress
import logging

from django.conf import settings

log = logging.getLogger(__name__)

_LONGEST_ADDRESS = 45
"""An IPv6 address with an embedded IPv4 address is at most 45 characters: anything longer is
not one, and is dropped before parsing."""


def valid_address(value: str | None) -> str | None:
    """`value` as a canonical IP address, or None if it is not exactly one (a port, a zone id,
    a hostname, a NUL or an empty string are not). An IPv4-mapped IPv6 address is its IPv4
    address, so one client never counts as two."""
    value = (value or "").strip()
    if not value or len(value) > _LONGEST_ADDRESS:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:  # fe80::1%eth0: PostgreSQL's inet refuses it
            return None
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str | None:
    """Behind the trusted proxy (DJANGO_BEHIND_PROXY), the last X-Forwarded-For entry: the
    address the proxy itself saw (nginx's `$proxy_add_x_forwarded_for` appends it). Earlier
    entries come from the client and can be forged. Otherwise, or when that entry is missing or
    not an address, the connection's own address; a client-sent X-Forwarded-For is ignored."""
    connection = valid_address(request.META.get("REMOTE_ADDR"))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if settings.BEHIND_PROXY:
        last = valid_address((forwarded or "").rsplit(",", 1)[-1])
        if last:
            return last
        log.warning(
            "DJANGO_BEHIND_PROXY is set but X-Forwarded-For is %s: counting this sign-in against "
            "the proxy's own address %s, which every client shares.",
            "missing" if forwarded is None else "malformed",
            connection,
        )
    elif forwarded is not None and connection and ipaddress.ip_address(connection).is_loopback:
        log.warning(
            "A proxy forwards requests (X-Forwarded-For) but DJANGO_BEHIND_PROXY is not set: every "
            "client signs in from %s, and failures from any of them pause sign-in for all.",
            connection,
        )
    return connection
