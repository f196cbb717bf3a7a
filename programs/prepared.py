"""The whole catalogue's downloads, prepared as files once per catalogue version (issue #22).

/programs/export.csv and /programs/export.json with no query string were built on every request:
a minute of a worker's time at 10,000 programs. Now the first such download at a catalogue
version writes both, and every page of /programs/ctdl.json, in one pass over the catalogue (each
program's facts built once for the three formats) into an *edition*: a directory under
PREPARED_EXPORTS_DIR named for the version, the moment it was bumped and the site's address (the
files hold absolute links). Every later request at that version is sent the file. A CTDL page
asked for before any full download is built on request as before (it costs a hundred programs).

- Only the current version's edition is served: the version is read once per request
  (`caching._state`, the same read that makes the ETag), so after any write the next download
  prepares a new edition from the written facts.
- One preparation at a time per server: an exclusive `flock` on PREPARED_EXPORTS_DIR/.lock. A
  request that finds it held waits (without working) until the edition appears, then is sent it.
  The edition is written to a temporary directory and renamed into place, so a reader never
  sees a half-written file. Older editions are removed once a newer one is in place.
- Anything the disk refuses (no space, no permission, a lock that is held too long) is logged
  and the request is streamed as before: never an error page.
"""

import datetime
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from programs import exchange, exports, linked_data
from programs.caching import _state
from programs.facts import facts_for

logger = logging.getLogger("certcatalog.prepared")

CSV = "programs.csv"
JSON = "programs.json"
MANIFEST = "manifest.json"
"""What the edition holds: the program count, from which a CTDL page number is worked out."""
ACCEL_PREFIX = "/_prepared/"
"""The internal nginx location that serves PREPARED_EXPORTS_DIR (`X-Accel-Redirect`)."""
WAIT_SECONDS = 30.0
"""How long a request waits for another's preparation before it streams instead."""
_POLL_SECONDS = 0.05
_LOCK = ".lock"
_TEMPORARY = ".preparing-"


def ctdl_page_name(number: int) -> str:
    return f"ctdl-{number}.json"


@dataclass(frozen=True)
class Edition:
    """The prepared files of one catalogue version for one site."""

    root: Path
    version: int
    changed_us: int
    site: str
    """The site's address, "https://host/": every absolute link in the files starts with it."""
    day: datetime.date
    """The day the files were written for: they say which cohort starts next (issue #24), so
    each day has its own edition and an earlier day's is stale."""

    @property
    def name(self) -> str:
        site = hashlib.sha256(self.site.encode()).hexdigest()[:12]
        return f"v{self.version}-{self.changed_us}-{self.day:%Y%m%d}-{site}"

    @property
    def path(self) -> Path:
        return self.root / self.name

    def is_ready(self) -> bool:
        return (self.path / MANIFEST).is_file()

    def is_older_than(self, name: str) -> bool | None:
        """Whether the edition directory `name` is of an earlier catalogue (an earlier version,
        or an earlier bump: a database started afresh counts its versions from 1 again) or was
        written for an earlier day."""
        try:
            version, changed_us, day, _ = name.split("-")
            version, changed_us = int(version.removeprefix("v")), int(changed_us)
        except ValueError:
            return None
        return version < self.version or changed_us < self.changed_us or day < f"{self.day:%Y%m%d}"


def _edition(request) -> Edition | None:
    version, changed_at, _ = _state(request)
    if not version:  # no catalogue write yet: no version to name the files by
        return None
    changed_us = int(changed_at.astimezone(datetime.UTC).timestamp() * 1_000_000)
    root = Path(settings.PREPARED_EXPORTS_DIR)
    return Edition(root, version, changed_us, request.build_absolute_uri("/"), timezone.localdate())


def served(request, name: str, *, content_type: str):
    """The response sending the current edition's file `name`, preparing the edition first if
    need be; None when the file cannot be had, and the caller streams the download as before."""
    edition = _edition(request)
    if edition is None:
        return None
    try:
        if not edition.is_ready() and not _prepare(edition):
            return None
        path = edition.path / name
        if settings.PREPARED_EXPORTS_ACCEL:
            return _accel(edition, path, content_type)
        return FileResponse(path.open("rb"), content_type=content_type)
    except OSError:
        logger.warning("Prepared export %s unavailable: streaming instead", name, exc_info=True)
        return None


def served_ctdl_page(request, asked: str | None, *, content_type: str):
    """The CTDL page asked for as `?page=` (read as the streamed view reads it) from the current
    edition if one is ready, else None. A page is never worth waiting for the whole catalogue:
    built on request it costs six queries and a hundred programs at any catalogue size."""
    edition = _edition(request)
    if edition is None or not edition.is_ready():
        return None
    try:
        path = edition.path / ctdl_page_name(_ctdl_page_number(edition, asked))
        if settings.PREPARED_EXPORTS_ACCEL:
            return _accel(edition, path, content_type)
        # A page is small: read whole, it is a page like any other (cached, `.content`).
        return HttpResponse(path.read_bytes(), content_type=content_type)
    except OSError:
        logger.warning("Prepared CTDL page unavailable: built instead", exc_info=True)
        return None


def _accel(edition: Edition, path: Path, content_type: str) -> StreamingHttpResponse:
    """An empty answer naming the file for nginx to send (X-Accel-Redirect). Streaming, so
    public_page never stores it in the shared cache: the file is on this server's disk only."""
    if not path.is_file():
        raise FileNotFoundError(path)
    response = StreamingHttpResponse((), content_type=content_type)
    response["X-Accel-Redirect"] = f"{ACCEL_PREFIX}{edition.name}/{path.name}"
    response["Content-Length"] = "0"
    return response


def _ctdl_page_number(edition: Edition, asked: str | None) -> int:
    count = json.loads((edition.path / MANIFEST).read_text())["count"]
    return Paginator(range(count), linked_data.CATALOGUE_PAGE_SIZE).get_page(asked).number


def _prepare(edition: Edition) -> bool:
    """Write the edition unless another request is (then wait for it); False if it did not
    appear within WAIT_SECONDS."""
    edition.root.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + WAIT_SECONDS
    with open(edition.root / _LOCK, "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if edition.is_ready():
                    return True
                if time.monotonic() > deadline:
                    logger.warning("Prepared exports %s: still being written", edition.name)
                    return False
                time.sleep(_POLL_SECONDS)
        try:
            if edition.is_ready():  # prepared while this request waited for the lock
                return True
            _remove_stale(edition)
            temporary = Path(tempfile.mkdtemp(prefix=_TEMPORARY, dir=edition.root))
            try:
                temporary.chmod(0o755)  # mkdtemp's 0700 would keep nginx out (X-Accel-Redirect)
                started = time.perf_counter()
                write(temporary, site=edition.site)
                os.replace(temporary, edition.path)
            except BaseException:
                shutil.rmtree(temporary, ignore_errors=True)
                raise
            logger.info(
                "Prepared exports %s in %.1f s", edition.name, time.perf_counter() - started
            )
            return True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_stale(edition: Edition) -> None:
    """Older editions, and what a preparation that died left behind (the lock is held, so no
    other preparation is under way)."""
    for entry in edition.root.iterdir():
        if entry.name.startswith(_TEMPORARY) or (
            entry.is_dir() and edition.is_older_than(entry.name)
        ):
            shutil.rmtree(entry, ignore_errors=True)


def write(directory: Path, *, site: str) -> None:
    """Write the full-catalogue CSV, JSON and every CTDL page for `site` ("https://host/")
    into `directory`, byte for byte what the streamed views send, in one pass: each program's
    facts are built once for the three formats."""
    programs = exports.catalogue()
    count = programs.count()
    page_url = exports.page_urls(site.removesuffix("/"))
    links = linked_data.ctdl_links(site)
    pages = Paginator(range(count), linked_data.CATALOGUE_PAGE_SIZE)
    writer = exports.csv_writer()
    listing_url = site.removesuffix("/") + reverse("programs:list")

    def write_ctdl_page(number: int, graph: list[dict]) -> None:
        document = linked_data.ctdl_catalogue(pages.page(number), base=site, graph=graph)
        text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
        (directory / ctdl_page_name(number)).write_text(text, encoding="utf-8")

    with (
        open(directory / CSV, "w", encoding="utf-8", newline="") as csv_file,
        open(directory / JSON, "w", encoding="utf-8", newline="") as json_file,
    ):
        csv_file.write(exports.csv_head(writer))
        json_file.write(exports.json_head(url=listing_url, count=count))
        graph, number = [], 1
        for index, program in enumerate(programs.iterator(chunk_size=exports.EXPORT_CHUNK)):
            facts = facts_for(program)
            record = exchange.record(program, page=page_url(program), facts=facts)
            csv_file.write(exports.csv_row(writer, record))
            json_file.write(exports.json_item(index, record))
            graph.append(linked_data.ctdl_credential(program, base=site, facts=facts, links=links))
            if len(graph) == pages.per_page and number < pages.num_pages:
                write_ctdl_page(number, graph)
                graph, number = [], number + 1
        json_file.write(exports.JSON_TAIL)
    write_ctdl_page(number, graph)
    (directory / MANIFEST).write_text(json.dumps({"count": count}))
