"""The whole catalogue's downloads are prepared once per catalogue version (issue #22, item 4)."""

import csv
import fcntl
import io
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from programs import prepared
from programs.models import Program
from programs.spreadsheet import BOM
from tests.catalogue_builder import grow
from tests.forms import browser_post
from tests.seed import JHU
from tests.sourcing import cite_in_form

pytestmark = pytest.mark.django_db

CSV = reverse("programs:export_csv")
JSON = reverse("programs:export_json")
CTDL = reverse("programs:ctdl")


@pytest.fixture(autouse=True)
def prepared_dir(settings, tmp_path) -> Path:
    settings.PREPARED_EXPORTS_DIR = tmp_path / "prepared"
    settings.PREPARED_EXPORTS_ACCEL = False
    return settings.PREPARED_EXPORTS_DIR


@pytest.fixture
def streamed(settings, tmp_path):
    """Downloads as they were before files were prepared: the directory cannot be made (a file
    stands where it should be), so every download is streamed."""

    def switch():
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("")
        settings.PREPARED_EXPORTS_DIR = blocker / "prepared"
        cache.clear()  # CTDL pages from the prepared files are cached pages like any other

    return switch


def _editions(directory: Path) -> list[Path]:
    return sorted(entry for entry in directory.iterdir() if entry.is_dir())


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(body: bytes) -> dict[str, dict]:
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    return {row["slug"]: row for row in csv.DictReader(io.StringIO(text.removeprefix(BOM)))}


def _downloads(client, ctdl_pages: int) -> dict[str, bytes]:
    paths = [CSV, JSON, CTDL, f"{CTDL}?page=abc", f"{CTDL}?page=9999"]
    paths += [f"{CTDL}?page={number}" for number in range(1, ctdl_pages + 1)]
    return {path: _body(client.get(path)) for path in paths}


def test_the_first_download_prepares_the_files_and_the_next_is_sent_them(
    client, catalog, prepared_dir, django_assert_num_queries
):
    first = client.get(CSV)
    assert isinstance(first, FileResponse)
    [edition] = _editions(prepared_dir)
    names = {path.name for path in edition.iterdir()}
    assert {"programs.csv", "programs.json", "ctdl-1.json"} <= names
    written = {path.name: path.stat().st_mtime_ns for path in edition.iterdir()}
    body = _body(first)
    assert body == (edition / "programs.csv").read_bytes()
    for path in (CSV, JSON):
        with django_assert_num_queries(1):  # the catalogue version only: nothing is generated
            response = client.get(path)
        assert isinstance(response, FileResponse), path
    with django_assert_num_queries(1):
        page = client.get(CTDL)
    assert page.content == (edition / "ctdl-1.json").read_bytes()
    assert _body(client.get(CSV)) == body
    assert {path.name: path.stat().st_mtime_ns for path in edition.iterdir()} == written


def test_a_ctdl_page_asked_for_first_is_built_on_request_without_preparing(
    client, catalog, prepared_dir, django_assert_num_queries
):
    """A page costs seven queries at any catalogue size (as tests/programs/test_linked_data.py
    counts them): no reader waits for the whole catalogue."""
    with django_assert_num_queries(7):
        response = client.get(CTDL)
    assert json.loads(response.content)["totalItems"] == Program.objects.published().count()
    assert not prepared_dir.exists() or _editions(prepared_dir) == []


def test_the_prepared_files_are_byte_for_byte_what_was_streamed(client, catalog, streamed):
    prepared_downloads = _downloads(client, ctdl_pages=1)
    streamed()
    assert _downloads(client, ctdl_pages=1) == prepared_downloads


def test_a_big_catalogue_is_prepared_byte_for_byte_over_several_ctdl_pages(
    client, catalog, streamed, prepared_dir
):
    grow(256)  # three CTDL pages, the last one short
    prepared_downloads = _downloads(client, ctdl_pages=3)
    [edition] = _editions(prepared_dir)
    assert sorted(p.name for p in edition.glob("ctdl-*.json")) == [
        "ctdl-1.json",
        "ctdl-2.json",
        "ctdl-3.json",
    ]
    assert len(json.loads(prepared_downloads[f"{CTDL}?page=3"])["@graph"]) == 56
    assert prepared_downloads[f"{CTDL}?page=9999"] == prepared_downloads[f"{CTDL}?page=3"]
    assert prepared_downloads[f"{CTDL}?page=abc"] == prepared_downloads[CTDL]
    streamed()
    assert _downloads(client, ctdl_pages=3) == prepared_downloads


def test_the_attachment_name_and_types_are_as_streamed(client, catalog):
    for path, content_type, extension in [
        (CSV, "text/csv; charset=utf-8", "csv"),
        (JSON, "application/json", "json"),
    ]:
        response = client.get(path)
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith('attachment; filename="certcatalog-')
        assert response["Content-Disposition"].endswith(f'.{extension}"')
    assert client.get(CTDL)["Content-Type"] == "application/ld+json"


def test_an_admin_edit_is_in_the_very_next_download(client, staff_client, catalog, prepared_dir):
    reader = Client()
    assert _csv_rows(_body(reader.get(CSV)))[JHU]["price_amount"] == "2990"
    before = _editions(prepared_dir)
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    changes = {"price_amount": "3150", **cite_in_form(program, "price", "It costs $3,150.")}
    assert browser_post(staff_client, url, "program_form", changes).status_code == 302

    assert _csv_rows(_body(reader.get(CSV)))[JHU]["price_amount"] == "3150"
    programs = {p["slug"]: p for p in json.loads(_body(reader.get(JSON)))["programs"]}
    assert programs[JHU]["price_amount"] == 3150
    graph = json.loads(_body(reader.get(CTDL)))["@graph"]
    [credential] = [node for node in graph if node["ceterms:subjectWebpage"].endswith(f"/{JHU}/")]
    assert credential["ceterms:estimatedCost"][0]["ceterms:price"] == 3150
    after = _editions(prepared_dir)
    assert len(after) == 1 and after != before, "the old version's files are removed"


def test_a_client_with_the_current_version_gets_304_with_one_query(
    client, catalog, django_assert_num_queries
):
    etag = client.get(CSV)["ETag"]
    with django_assert_num_queries(1):
        response = client.get(CSV, headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_with_accel_redirect_nginx_is_told_which_file_to_send(
    client, catalog, settings, prepared_dir
):
    settings.PREPARED_EXPORTS_ACCEL = True
    response = client.get(CSV)
    assert response.status_code == 200
    assert _body(response) == b""
    [edition] = _editions(prepared_dir)
    assert response["X-Accel-Redirect"] == f"/_prepared/{edition.name}/programs.csv"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="certcatalog-')
    named = prepared_dir / response["X-Accel-Redirect"].removeprefix("/_prepared/")
    assert named.read_bytes().startswith(BOM.encode())
    page_two = client.get(f"{CTDL}?page=2")
    assert page_two["X-Accel-Redirect"] == f"/_prepared/{edition.name}/ctdl-1.json"
    assert page_two["Content-Type"] == "application/ld+json"


def test_an_accel_answer_is_never_stored_in_the_shared_cache(
    client, catalog, settings, prepared_dir
):
    """It names a file on this server's disk: another server reading it from Redis might not
    have that file. So a second request finds the file again (here: prepares it anew)."""
    settings.PREPARED_EXPORTS_ACCEL = True
    first = client.get(CSV)
    assert isinstance(first, StreamingHttpResponse)
    [edition] = _editions(prepared_dir)
    for entry in edition.iterdir():
        entry.unlink()
    edition.rmdir()
    second = client.get(CSV)
    assert second["X-Accel-Redirect"] == first["X-Accel-Redirect"]
    assert (edition / "programs.csv").is_file()


def test_a_directory_that_cannot_be_written_falls_back_to_streaming(client, catalog, streamed):
    streamed()
    response = client.get(CSV)
    assert response.status_code == 200
    assert not isinstance(response, FileResponse)
    assert JHU in _csv_rows(_body(response))
    published = Program.objects.published().count()
    assert len(json.loads(_body(client.get(JSON)))["programs"]) == published
    assert json.loads(_body(client.get(CTDL)))["totalItems"] == published


def test_a_full_disk_while_preparing_streams_and_leaves_no_half_written_files(
    client, catalog, prepared_dir, monkeypatch
):
    def full_disk(directory, *, site):
        (directory / "programs.csv").write_text("half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prepared, "write", full_disk)
    response = client.get(CSV)
    assert not isinstance(response, FileResponse)
    assert JHU in _csv_rows(_body(response))
    assert _editions(prepared_dir) == []


def test_a_preparation_that_takes_too_long_elsewhere_streams_instead(
    client, catalog, prepared_dir, monkeypatch
):
    monkeypatch.setattr(prepared, "WAIT_SECONDS", 0.2)
    prepared_dir.mkdir(parents=True)
    with open(prepared_dir / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker is preparing
        started = time.monotonic()
        response = client.get(CSV)
        assert time.monotonic() - started < 5
    assert not isinstance(response, FileResponse)
    assert JHU in _csv_rows(_body(response))


def test_filtered_downloads_are_streamed_for_their_filter(client, catalog, prepared_dir):
    everything = _csv_rows(_body(client.get(CSV)))
    response = client.get(CSV, {"role": "nursing-leaders"})
    assert not isinstance(response, FileResponse)
    nursing = _csv_rows(_body(response))
    assert nursing and set(nursing) < set(everything)
    document = json.loads(_body(client.get(JSON, {"role": "nursing-leaders"})))
    assert {p["slug"] for p in document["programs"]} == set(nursing)
    assert document["url"] == "http://testserver/programs/?role=nursing-leaders"
    assert len(_editions(prepared_dir)) == 1


@pytest.mark.django_db(transaction=True)
def test_ten_first_downloads_at_once_prepare_the_files_once(committed_catalog, monkeypatch):
    writes = []
    write = prepared.write

    def counted(directory, *, site):
        writes.append(site)
        time.sleep(0.3)  # long enough for every other request to arrive meanwhile
        write(directory, site=site)

    monkeypatch.setattr(prepared, "write", counted)
    start = threading.Barrier(10)

    def download(path: str) -> bytes:
        try:
            start.wait()
            return _body(Client().get(path))
        finally:
            connection.close()

    with ThreadPoolExecutor(10) as pool:
        bodies = list(pool.map(download, [CSV] * 5 + [JSON] * 3 + [CTDL] * 2))
    assert len(writes) == 1
    assert len(set(bodies[:5])) == 1 and len(set(bodies[5:8])) == 1
    assert JHU in _csv_rows(bodies[0])
