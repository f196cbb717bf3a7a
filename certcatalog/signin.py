"""Editors' sign-in that cannot be turned against editors (issue #22), on django-axes.

Two pauses, both decided before any password is hashed (axes' backend runs first and refuses):

- **An address** that failed `AXES_FAILURE_LIMIT` times within `AXES_COOLOFF_TIME`, whatever the
  usernames (known or not), is refused: axes' own rule with `AXES_LOCKOUT_PARAMETERS =
  ["ip_address"]`. An IPv6 client is counted by its /64 network (`lockout_address`).
- **A username** that failed `SIGNIN_USERNAME_FAILURE_LIMIT` times from at least
  `SIGNIN_USERNAME_ADDRESSES` addresses within `SIGNIN_USERNAME_COOLOFF` is refused, except from an
  address it has signed in from before (axes' AccessLog of successful sign-ins): someone else's
  failures never lock the editor out at home or at work. Failures are counted from axes'
  AccessFailureLog (one row per failure, so the window is exact).
"""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessFailureLog, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil

from certcatalog.proxy import client_ip

_IPV6_CLIENT_PREFIX = 64
"""One IPv6 home or office holds a whole /64 (RFC 6177), and privacy addresses rotate within
it daily: counting single IPv6 addresses would give an attacker 2**64 fresh ones."""


def lockout_address(request) -> str | None:
    """The address sign-in failures are counted against (AXES_CLIENT_IP_CALLABLE): the client's
    address (certcatalog/proxy.py), an IPv6 one as the first address of its /64."""
    address = client_ip(request)
    if address and ":" in address:
        network = ipaddress.IPv6Network(f"{address}/{_IPV6_CLIENT_PREFIX}", strict=False)
        return str(network.network_address)
    return address


@dataclass(frozen=True)
class Pause:
    """Why sign-in is refused, for the lockout page."""

    scope: str  # "address" or "username"
    failure_limit: int
    cool_off: timedelta
    addresses: int = 0


def _address_pause(request, credentials) -> Pause:
    return Pause(
        scope="address",
        failure_limit=get_failure_limit(request, credentials),
        cool_off=get_cool_off(request),
    )


class SignInHandler(AxesDatabaseHandler):
    """axes' database handler, with the username pause added to its address pause."""

    def is_locked(self, request, credentials=None) -> bool:
        request.signin_pause = self._pause(request, credentials)
        return request.signin_pause is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """After axes records the failure (and pauses the address at its limit), pause the
        username too if this failure completed its count."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        if self.is_locked(request, credentials) and not request.axes_locked_out:
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )

    def _pause(self, request, credentials) -> Pause | None:
        if super().is_locked(request, credentials):
            return _address_pause(request, credentials)
        username = get_client_username(request, credentials)
        if not username or not self._username_under_attack(request, username):
            return None
        if self._signed_in_from_here_before(request, username):
            return None
        return Pause(
            scope="username",
            failure_limit=settings.SIGNIN_USERNAME_FAILURE_LIMIT,
            cool_off=settings.SIGNIN_USERNAME_COOLOFF,
            addresses=settings.SIGNIN_USERNAME_ADDRESSES,
        )

    @staticmethod
    def _username_under_attack(request, username: str) -> bool:
        since = request.axes_attempt_time - settings.SIGNIN_USERNAME_COOLOFF
        failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since)
        counts = failures.aggregate(
            failures=Count("pk"), addresses=Count("ip_address", distinct=True)
        )
        return (
            counts["failures"] >= settings.SIGNIN_USERNAME_FAILURE_LIMIT
            and counts["addresses"] >= settings.SIGNIN_USERNAME_ADDRESSES
        )

    @staticmethod
    def _signed_in_from_here_before(request, username: str) -> bool:
        address = request.axes_ip_address
        return bool(address) and (
            AccessLog.objects.filter(username=username, ip_address=address).exists()
        )


def paused(request, original_response=None, credentials=None):
    """The lockout page (AXES_LOCKOUT_CALLABLE): which pause, and for how long."""
    pause = getattr(request, "signin_pause", None) or _address_pause(request, credentials)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    context = {"pause": pause, "wait": timeuntil(now + pause.cool_off, now)}
    return render(
        request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
