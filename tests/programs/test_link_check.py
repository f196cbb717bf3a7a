"""`manage.py check_links` (issue #24, item 4) against a local HTTP server started here: a page,
a missing page, a redirect chain, a server that refuses HEAD, a slow page and a closed port."""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.urls import reverse

from programs import link_check
from programs.models import Document, LinkCheck, Program
from tests.catalogue_builder import grow
from tests.seed import CEDARS, HARVARD, JHU, STANFORD

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5
CHANGELIST_QUERIES = 12
SLOW = 2.0


class _Site(BaseHTTPRequestHandler):
    """What the local server answers, path by path; it remembers each request's method."""

    requests: list[tuple[str, str]] = []

    def log_message(self, *args):  # quiet
        pass

    def _answer(self, send_body: bool):
        type(self).requests.append((self.command, self.path))
        path = self.path
        if path == "/ok":
            return self._send(200, send_body)
        if path == "/missing":
            return self._send(404, send_body)
        if path.startswith("/chain/"):  # /chain/3 → /chain/2 → /chain/1 → /ok
            left = int(path.rsplit("/", 1)[1])
            return self._redirect("/ok" if left <= 1 else f"/chain/{left - 1}")
        if path == "/loop":
            return self._redirect("/loop")
        if path.startswith("/far/"):  # more redirects than link_check follows
            left = int(path.rsplit("/", 1)[1])
            return self._redirect("/ok" if left <= 1 else f"/far/{left - 1}")
        if path == "/to-script":
            return self._redirect("javascript:alert(1)")
        if path == "/no-head":
            return self._send(405 if self.command == "HEAD" else 200, send_body)
        if path == "/slow":
            time.sleep(SLOW)
            return self._send(200, send_body)
        return self._send(404, send_body)

    def _send(self, status: int, send_body: bool):
        body = b"<!doctype html><title>page</title>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _redirect(self, to: str):
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(send_body=False)

    def do_GET(self):
        self._answer(send_body=True)


@pytest.fixture
def site():
    """The local server's base address, e.g. http://127.0.0.1:41234."""
    _Site.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port():
    """An address nothing listens on: connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/page"


def test_a_working_page_answers_head(site):
    result = link_check.check(f"{site}/ok", timeout=TIMEOUT)
    assert (result.ok, result.status, result.method, result.error) == (True, 200, "HEAD", None)
    assert result.final_address is None
    assert _Site.requests == [("HEAD", "/ok")]


def test_a_missing_page_is_broken_with_its_status(site):
    result = link_check.check(f"{site}/missing", timeout=TIMEOUT)
    assert (result.ok, result.status, result.error) == (False, 404, "HTTP 404")


def test_a_redirect_chain_is_followed_to_its_end(site):
    result = link_check.check(f"{site}/chain/3", timeout=TIMEOUT)
    assert (result.ok, result.status, result.redirects) == (True, 200, 3)
    assert result.final_address == f"{site}/ok"
    assert [method for method, _ in _Site.requests] == ["HEAD"] * 4


def test_a_server_refusing_head_is_asked_with_get(site):
    result = link_check.check(f"{site}/no-head", timeout=TIMEOUT)
    assert (result.ok, result.status, result.method) == (True, 200, "GET")
    assert _Site.requests == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_slow_page_times_out(site):
    started = time.monotonic()
    result = link_check.check(f"{site}/slow", timeout=TIMEOUT)
    assert time.monotonic() - started < SLOW
    assert (result.ok, result.status) == (False, None)
    assert result.error == f"timed out after {TIMEOUT:g} s"


def test_a_refused_connection_is_broken(closed_port):
    result = link_check.check(closed_port, timeout=TIMEOUT)
    assert (result.ok, result.status, result.error) == (False, None, "connection refused")


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/loop", f"too many redirects (more than {link_check.MAX_REDIRECTS}) or a redirect loop"),
        (
            f"/far/{link_check.MAX_REDIRECTS + 2}",
            f"too many redirects (more than {link_check.MAX_REDIRECTS}) or a redirect loop",
        ),
        ("/to-script", "redirected to a non-web address: javascript:alert(1)"),
    ],
)
def test_redirects_are_bounded_and_go_only_to_web_addresses(site, path, error):
    result = link_check.check(f"{site}{path}", timeout=TIMEOUT)
    assert (result.ok, result.error) == (False, error)
    assert len(_Site.requests) <= link_check.MAX_REDIRECTS + 1


def test_a_stored_script_address_is_not_requested():
    result = link_check.check("javascript:alert(1)")
    assert (result.ok, result.error) == (False, "not an http or https address")


def _run(*args) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_links", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_check_links_checks_every_program_and_document_address_and_records_each(
    catalog, site, closed_port
):
    """Programs' provider pages and documents' addresses (a URL, else the DOI resolver): a
    working and a broken link from the local server, a chain, a HEAD refusal, a time-out and a
    refused connection, each recorded with its status, final address, error and time."""
    addresses = {
        HARVARD: f"{site}/ok",
        JHU: f"{site}/missing",
        CEDARS: f"{site}/chain/2",
        STANFORD: f"{site}/no-head",
    }
    for slug, address in addresses.items():
        Program.objects.filter(slug=slug).update(url=address)
    guide, essay = Document.objects.order_by("pk")
    Document.objects.filter(pk=guide.pk).update(url=f"{site}/slow")
    # A URL goes before the essay's DOI (Document.link): no test asks doi.org.
    Document.objects.filter(pk=essay.pk).update(url=closed_port)

    out, error = _run("--timeout", str(TIMEOUT), "--workers", "3")

    assert error is not None and error.returncode == 1
    assert "3 broken links" in str(error)
    assert "Checked 6 addresses: 3 working, 3 broken." in out
    checks = {check.address: check for check in LinkCheck.objects.all()}
    assert set(checks) == {*addresses.values(), f"{site}/slow", closed_port}
    ok = checks[f"{site}/ok"]
    assert (ok.ok, ok.status, ok.method, ok.final_address, ok.error) == (
        True, 200, "HEAD", None, None,
    )  # fmt: skip
    missing = checks[f"{site}/missing"]
    assert (missing.ok, missing.status, missing.error) == (False, 404, "HTTP 404")
    chain = checks[f"{site}/chain/2"]
    assert (chain.ok, chain.final_address, chain.redirects) == (True, f"{site}/ok", 2)
    assert checks[f"{site}/no-head"].method == "GET"
    assert checks[f"{site}/slow"].error == f"timed out after {TIMEOUT:g} s"
    assert checks[closed_port].error == "connection refused"
    assert len({check.checked_at for check in checks.values()}) == 1
    assert f"BROKEN  {site}/missing: HTTP 404" in out
    assert f"ok      200 {site}/chain/2 → {site}/ok" in out


def test_a_second_run_replaces_the_last_result(catalog, site):
    address = f"{site}/missing"
    Program.objects.filter(slug=JHU).update(url=address)
    _run("--timeout", str(TIMEOUT))
    first = LinkCheck.objects.get(address=address)
    assert not first.ok
    Program.objects.filter(slug=HARVARD).update(url=address)  # now two programs share it
    _run("--timeout", str(TIMEOUT))
    again = LinkCheck.objects.get(address=address)
    assert again.pk == first.pk and again.checked_at > first.checked_at


def test_documents_without_an_address_are_checked_at_their_doi_resolver(catalog, monkeypatch):
    """The essay has a DOI and no URL: its address is https://doi.org/<DOI> (Document.link).
    Nothing is sent: the check is replaced, to see which addresses are asked for."""
    asked = []
    monkeypatch.setattr(
        link_check,
        "check",
        lambda address, timeout: asked.append(address) or link_check.Result(address, ok=True),
    )
    out, error = _run()
    assert asked == ["https://doi.org/10.5281/zenodo.17997722"]
    assert error is None
    assert "Checked 1 address: 1 working, 0 broken." in out


def test_nothing_to_check_says_so(db):
    out, error = _run()
    assert error is None
    assert out.strip() == "No addresses to check: no program or document has one yet."


@pytest.mark.parametrize("args", [["--timeout", "0"], ["--timeout", "nan"], ["--workers", "-1"]])
def test_bad_options_are_refused(args, db):
    with pytest.raises(CommandError, match="invalid"):
        call_command("check_links", *args)


def _checked(address: str, *, ok: bool, status: int | None, error: str | None = None):
    LinkCheck.objects.create(
        address=address, ok=ok, status=status, method="HEAD", error=error,
        checked_at="2026-12-03T09:30:00Z",
    )  # fmt: skip


def test_editors_see_broken_links_in_admin(staff_client, catalog):
    """The changelist's link column and "link check" filter, and the change page's note."""
    Program.objects.filter(slug=JHU).update(url="https://www.example.org/jhu")
    Program.objects.filter(slug=HARVARD).update(url="https://www.example.org/harvard")
    Program.objects.filter(slug=CEDARS).update(url="https://www.example.org/cedars")
    _checked("https://www.example.org/jhu", ok=False, status=404, error="HTTP 404")
    _checked("https://www.example.org/harvard", ok=True, status=200)
    changelist = reverse("admin:programs_program_changelist")

    def rows(query: str) -> dict[str, str]:
        page = BeautifulSoup(staff_client.get(f"{changelist}{query}").content, "html.parser")
        return {
            row.select_one(".field-name").get_text(strip=True): row.select_one(
                ".field-link_check"
            ).get_text(strip=True)
            for row in page.select("#result_list tbody tr")
        }

    everything = rows("")
    assert everything[Program.objects.get(slug=JHU).name] == "Broken"
    assert everything[Program.objects.get(slug=HARVARD).name] == "Working"
    assert everything[Program.objects.get(slug=CEDARS).name] == "Not checked"
    assert everything[Program.objects.get(slug=STANFORD).name] == "No address"
    assert list(rows("?link=broken")) == [Program.objects.get(slug=JHU).name]
    assert list(rows("?link=working")) == [Program.objects.get(slug=HARVARD).name]
    assert list(rows("?link=unchecked")) == [Program.objects.get(slug=CEDARS).name]
    assert len(rows("?link=none")) == 3

    jhu = Program.objects.get(slug=JHU)
    page = BeautifulSoup(
        staff_client.get(reverse("admin:programs_program_change", args=[jhu.pk])).content,
        "html.parser",
    )
    note = " ".join(page.select_one(".field-link_check_note .readonly").get_text().split())
    assert note.startswith("Broken when checked on 3 December 2026")
    assert "HTTP 404" in note
    assert "The public pages still show the link" in note


@pytest.mark.parametrize("total", [6, 60])
def test_the_program_changelist_query_count_is_flat(
    staff_client, catalog, total, django_assert_num_queries
):
    """Twelve queries (session, user, permissions, counts, the page of programs, their modules
    and citations, the filters' choices) at any catalogue size: the link column is a subquery
    of the programs' own query, not a query a row."""
    grow(total)
    Program.objects.update(url="https://example.org/x")
    _checked("https://example.org/x", ok=False, status=500, error="HTTP 500")
    with django_assert_num_queries(CHANGELIST_QUERIES):
        page = staff_client.get(reverse("admin:programs_program_changelist"))
    cells = BeautifulSoup(page.content, "html.parser").select(".field-link_check")
    assert cells and {cell.get_text(strip=True) for cell in cells} == {"Broken"}


def test_editors_see_a_broken_document_address(staff_client, catalog):
    guide, essay = Document.objects.order_by("pk")
    Document.objects.filter(pk=guide.pk).update(url="https://www.example.org/guide")
    _checked("https://www.example.org/guide", ok=False, status=None, error="connection refused")
    _checked("https://doi.org/10.5281/zenodo.17997722", ok=True, status=200)
    changelist = reverse("admin:programs_document_changelist")
    page = BeautifulSoup(staff_client.get(f"{changelist}?link=broken").content, "html.parser")
    titles = [a.get_text(strip=True) for a in page.select("#result_list tbody th a")]
    assert titles == [guide.title]
    page = BeautifulSoup(staff_client.get(changelist).content, "html.parser")
    cells = {
        row.select_one("th a").get_text(strip=True): row.select_one(".field-link_check").get_text(
            strip=True
        )
        for row in page.select("#result_list tbody tr")
    }
    assert cells == {guide.title: "Broken", essay.title: "Working"}
    change = staff_client.get(reverse("admin:programs_document_change", args=[guide.pk]))
    note = BeautifulSoup(change.content, "html.parser").select_one(".field-link_check_note")
    assert "connection refused" in note.get_text()
