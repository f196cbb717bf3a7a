"""Checking the addresses the catalogue stores (issue #24, item 4): `manage.py check_links`.

Every program's provider page (`Program.url`) and every document's address (`Document.link`:
its URL, else its DOI resolver address) is asked for with HEAD, then GET when the server refuses
HEAD (405, 501); redirects are followed up to MAX_REDIRECTS; each request gives up after the
time-out. The standard library's urllib does it all, so the check adds no dependency. Results
are kept per address in `LinkCheck`, for editors (admin); no public page hides a link for it.
"""

import datetime
import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.utils import timezone

from programs import output_safety
from programs.models import Document, LinkCheck, Program

DEFAULT_TIMEOUT = 5.0
"""Seconds a request may take before the address counts as timed out."""
DEFAULT_WORKERS = 4
MAX_REDIRECTS = 5
USER_AGENT = "certcatalog-link-check/1 (+https://certcatalog; checks the catalogue's links)"
HEAD_REFUSED = (405, 501)
"""Answers meaning "no HEAD here": asked again with GET."""


@dataclass(frozen=True)
class Result:
    """One address checked: the answer's status after redirects, or why none came."""

    address: str
    ok: bool
    status: int | None = None
    method: str = "HEAD"
    final_address: str | None = None
    redirects: int = 0
    error: str | None = None


class _RedirectRefused(Exception):
    """Too many redirects, a loop, or a redirect to an address a link may not point to."""


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects (urllib's own bound is 10), counting them."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def __init__(self) -> None:
        self.followed = 0

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if output_safety.web_address(newurl) is None:
            raise _RedirectRefused(f"redirected to a non-web address: {newurl}"[:300])
        self.followed += 1
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _ask(address: str, method: str, timeout: float) -> tuple[int, str, int]:
    """(status, final address, redirects followed); raises on no answer."""
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(address, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)  # enough to know it answers; not the whole page
            return response.status, response.geturl(), redirects.followed
    except urllib.error.HTTPError as error:
        with error:
            if error.msg.startswith(urllib.request.HTTPRedirectHandler.inf_msg):
                raise _RedirectRefused(
                    f"too many redirects (more than {MAX_REDIRECTS}) or a redirect loop"
                ) from None
            if 300 <= error.code < 400 and "is not allowed" in error.msg:  # urllib's own refusal
                location = error.headers.get("Location", "")
                raise _RedirectRefused(
                    f"redirected to a non-web address: {location}"[:300]
                ) from None
            return error.code, error.geturl() or address, redirects.followed


def _reason(error: BaseException, timeout: float) -> str:
    """Why no answer came, in an editor's words."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "no such host"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"[:300]
    if isinstance(error, _RedirectRefused):
        return str(error)
    return f"{type(reason).__name__}: {reason}"[:300]


def check(address: str, *, timeout: float = DEFAULT_TIMEOUT) -> Result:
    """Ask for one address: HEAD, then GET when HEAD is refused; redirects followed."""
    if output_safety.web_address(address) is None:
        return Result(address, ok=False, method="", error="not an http or https address")
    method = "HEAD"
    try:
        status, final, redirects = _ask(address, method, timeout)
        if status in HEAD_REFUSED:
            method = "GET"
            status, final, redirects = _ask(address, method, timeout)
    except (
        _RedirectRefused,
        urllib.error.URLError,
        OSError,
        http.client.HTTPException,
        ValueError,
    ) as error:
        return Result(address, ok=False, method=method, error=_reason(error, timeout))
    return Result(
        address,
        ok=200 <= status < 300,
        status=status,
        method=method,
        final_address=final if final != address else None,
        redirects=redirects,
        error=None if 200 <= status < 300 else f"HTTP {status}",
    )


def stored_addresses() -> list[str]:
    """Every address the catalogue stores, each once: programs' pages, then documents'."""
    programs = Program.objects.exclude(url=None).order_by("pk").values_list("url", flat=True)
    documents = [
        document.link
        for document in Document.objects.only("url", "doi").order_by("pk")
        if document.link
    ]
    return list(dict.fromkeys([*programs, *documents]))


def check_all(
    addresses: Iterable[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = DEFAULT_WORKERS,
    now: datetime.datetime | None = None,
) -> list[Result]:
    """Check the addresses a few at a time and record each result (`LinkCheck`)."""
    addresses = list(dict.fromkeys(addresses))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(lambda address: check(address, timeout=timeout), addresses))
    checked_at = now or timezone.now()
    for result in results:
        LinkCheck.objects.update_or_create(
            address=result.address,
            defaults={
                "ok": result.ok,
                "status": result.status,
                "method": result.method,
                "final_address": (result.final_address or "")[:2000] or None,
                "redirects": result.redirects,
                "error": (result.error or "")[:300] or None,
                "checked_at": checked_at,
            },
        )
    return results
