"""Fuzzing every public URL and every query parameter it reads (issue #12, item 7).

Properties: no request is answered with a 5xx, and no marker carrying <, >, " or ' that a
request injects appears raw in an HTML page. Values are arbitrary unicode (lone surrogates
included, as percent-encoded bytes), raw and percent-encoded bytes, NUL, broken
percent-encoding, huge, negative and non-finite numbers, repeated parameters, 10 KB values and
unknown slugs, mixed with each parameter's valid values so the pages do real work.

FUZZ_EXAMPLES (from the Hypothesis profile, tests/profiles.py: 300 under dev, 2,000 under ci,
10,000 under fuzz) is the number of examples for the whole module, shared out by weight; the
terminal summary says how many ran, on which database, in how long.
"""

import csv
import io
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from programs.models import Program, Provider
from tests import seed
from tests.profiles import FUZZ_EXAMPLES

pytestmark = pytest.mark.django_db

WEIGHTS = {
    "program_list": 6,
    "exports": 2,
    "compare": 3,
    "finder": 2,
    "paginated": 2,
    "fixed_pages": 1,
    "program_slug": 1,
    "role_slug": 1,
}
"""Each test's share of FUZZ_EXAMPLES; the list page reads the most parameters."""


def _fuzz_settings(name: str):
    return settings(
        max_examples=max(1, math.ceil(FUZZ_EXAMPLES * WEIGHTS[name] / sum(WEIGHTS.values()))),
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            # The catalogue and client are shared by every example: each one only reads.
            HealthCheck.function_scoped_fixture,
        ],
    )


ROLE_SLUGS = [
    entry["fields"]["slug"]
    for entry in json.loads(
        (Path(__file__).resolve().parent.parent / "fixtures" / "catalog.json").read_text()
    )
    if entry["model"] == "programs.role"
]

# -- values: each strategy gives text already in query-string form ------------------------


def _encoded(text: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate becomes the invalid bytes it would be."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


MARKER = re.compile(r"""[<"']x-fuzz""", re.IGNORECASE)
"""A marker's opening left raw in HTML: the injected <, " or ' was not escaped."""

_markers = st.builds(
    str.format,
    st.sampled_from(
        [
            "<x-fuzz-{}>",
            '"x-fuzz-{}="',
            "'x-fuzz-{}",
            '"><x-fuzz-{}>',
            "</textarea></script><x-fuzz-{}>",
            '<x-fuzz-{} onmouseover="1">',
        ]
    ),
    st.integers(0, 10**6),
)
_any_text = st.text(st.characters(exclude_categories=()), max_size=40)
_marked = st.builds(lambda a, m, b: a + m + b, _any_text, _markers, _any_text)
_broken_percent = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "%",
                "%z",
                "%zz",
                "%ff%fe",
                "%ed%a0%80",  # a UTF-16 surrogate, as UTF-8 bytes
                "%c0%af",  # an overlong "/"
                "%f4%90%80%80",  # past U+10FFFF
                "%00",
                "%u0041",
                "%%41",
                "%2",
                "%C3",
                "%e2%82",
                "+",
            ]
        ),
        st.text("ab9<>\"'", max_size=3),
    ),
    min_size=1,
    max_size=6,
).map("".join)
_numbers = st.one_of(
    st.sampled_from(
        [
            "1e309",
            "-1e309",
            "1e999999999",
            "1e-999999999",
            "NaN",
            "nan",
            "sNaN",
            "-NaN",
            "inf",
            "-inf",
            "Infinity",
            "-0",
            "+0",
            "-0.0",
            "0e0",
            "0.5",
            "4.9e-324",
            " 12 ",
            "١٢",
            "１２",
            "1_000",
            "0x10",
            "1,000",
            "1.000,5",
            "9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "999999999.995",
            "1000000000.01",
        ]
    ),
    st.integers().map(str),
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(repr),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.builds(lambda sign, n: sign + "9" * n, st.sampled_from(["", "-"]), st.integers(20, 5000)),
)


def _ten_kb(piece: str, marker: str) -> str:
    """10 KB of one piece, in query-string form; "%ff" stays raw (10 KB of invalid UTF-8)."""
    if piece == "marker":
        return _encoded(marker.rjust(10240, "a"))
    value = piece * (10240 // len(piece))
    return value if piece == "%ff" else _encoded(value)


SHORT_JUNK = st.one_of(
    st.just(""),
    _any_text.map(_encoded),
    _marked.map(_encoded),
    st.binary(max_size=40).map(lambda raw: quote(raw, safe="")),
    # Bytes a broken client sends unencoded (& and = split the pair; that is fine too).
    st.binary(max_size=40).map(lambda raw: raw.decode("latin-1")),
    _broken_percent,
    _numbers.map(_encoded),
    st.sampled_from(["%00", "a%00b", "\x00", "1%00"]),
)
"""A value no parameter expects, short enough to repeat."""
TEN_KB = st.builds(_ten_kb, st.sampled_from(["x", "9", "é", "%ff", "\x00", "marker"]), _markers)
"""A 10 KB value: plain, percent-encoded, multi-byte, NUL, or a marker at its end."""


@st.composite
def _value(draw, valid: tuple[str, ...], *, long: bool = True) -> str:
    """A parameter's value: one it accepts (two in five), one carrying a marker soon enough
    to survive truncation (one in five), else junk, now and then 10 KB of it."""
    kind = draw(st.integers(0, 4))
    if valid and kind < 2:
        return _encoded(draw(st.sampled_from(valid)))
    if kind == 2:
        start = draw(st.sampled_from(valid)) if valid else ""
        return _encoded(start + draw(_markers) + draw(_any_text))
    if long and draw(st.integers(0, 9)) == 0:
        return draw(TEN_KB)
    return draw(SHORT_JUNK)


def _query(params: dict[str, tuple[str, ...]]) -> st.SearchStrategy[str]:
    """A raw query string: the page's parameters (three in four) with their values or junk,
    unknown parameters, bare names, and now and then one pair repeated up to 60 times."""

    @st.composite
    def items(draw) -> list[str]:
        known = draw(st.integers(0, 3)) > 0
        key = draw(st.sampled_from(sorted(params)) if known else SHORT_JUNK)
        repeats = draw(st.integers(2, 60)) if draw(st.integers(0, 4)) == 0 else 1
        value = draw(_value(params.get(key, ()), long=repeats == 1))
        pair = key if draw(st.integers(0, 4)) == 0 else f"{key}={value}"
        return [pair] * repeats

    return st.lists(items(), max_size=8).map(
        lambda lists: "&".join(pair for pairs in lists for pair in pairs)
    )


_NUMERIC = ("0", "1", "250", "1500.50", "999999999.99", "12.5")
_PAGES = ("1", "2", "0", "-1", "last")
LIST_PARAMS = {
    "q": (
        "AI",
        "governance",
        "Harvard",
        "health care",
        "-ai",
        '"AI" OR x',
        '"unterminated',
        "a & b | !c <-> d:*",
        "the",
    ),
    "role": (*ROLE_SLUGS, "unknown"),
    "assessment": (*Program.AssessmentType.values, "unknown"),
    "cme": ("yes", "no", "unknown"),
    "credit": (*Program.CreditType.values, "unknown"),
    "format": (*Program.Format.values, "unknown"),
    "framework": (*Program.Framework.values, "unknown"),
    "provider_kind": tuple(Provider.Kind.values),
    "max_cost": _NUMERIC,
    "max_hours": _NUMERIC,
    "max_weeks": _NUMERIC,
    "hide_unpublished": ("on", "true", "1", "false"),
    "sort": ("name", "cost", "-cost", "weeks", "-weeks", "-name", "total_cost_value"),
    "page": _PAGES,
}
COMPARE_PARAMS = {
    "programs": (*seed.ALL, "no-such-program"),
    "diff": ("1", "0"),
    "hours": ("0.5", "5", "80", "80.1", "0.4"),
    "find": ("AI", "Harvard", "stan", "z"),
    "format": ("csv", "json", "html"),
}
FINDER_PARAMS = {
    "role": tuple(ROLE_SLUGS),
    "budget": (*_NUMERIC, "1000000"),
    "weekly_hours": ("0.5", "5", "80", "80.1"),
    "hours": ("0.5", "5", "80"),
    "cme": ("on",),
    "assessed": ("on",),
    "portable": ("on",),
    "pace": ("", Program.Format.SELF_PACED, Program.Format.COHORT),
}
PAGE_PARAMS = {"page": _PAGES}
EVERY_PARAM = {**LIST_PARAMS, **COMPARE_PARAMS, **FINDER_PARAMS}

# -- requests -----------------------------------------------------------------------------


@dataclass
class _Tally:
    """What this module ran, for the terminal summary (`make fuzz` prints it)."""

    examples: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    database: str = ""

    def pytest_terminal_summary(self, terminalreporter):
        if self.examples:
            statuses = ", ".join(f"{n:,} x {code}" for code, n in sorted(self.statuses.items()))
            terminalreporter.write_line(
                f"fuzz: {sum(self.examples.values()):,} examples on {self.database} "
                f"in {self.seconds:.1f} s; responses: {statuses}"
            )


_TALLY = _Tally()


@pytest.fixture(scope="module", autouse=True)
def _report_tally(request):
    plugins = request.config.pluginmanager
    if not plugins.is_registered(_TALLY):
        plugins.register(_TALLY, "certcatalog-fuzz-tally")
    _TALLY.database = connection.vendor
    started = time.perf_counter()
    yield
    _TALLY.seconds += time.perf_counter() - started


def _get(client: Client, path: str, query: str = "", **headers: str):
    """GET with a raw query string, rendered afresh (not from the page cache), and checked."""
    cache.clear()
    client.cookies.clear()
    note(f"GET {path!r} QUERY_STRING={query!r} headers={headers!r}")
    response = client.get(path, QUERY_STRING=query, headers=headers)
    _TALLY.statuses[response.status_code] += 1
    assert response.status_code < 500
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode("utf-8", "replace")
        raw = MARKER.search(body)
        assert raw is None, f"unescaped input in the page: {body[raw.start() - 120 : raw.end()]!r}"
    return response


# -- the properties -----------------------------------------------------------------------


@_fuzz_settings("program_list")
@given(query=_query(LIST_PARAMS))
@example(query="max_cost=1e309&max_hours=NaN&max_weeks=-0&page=inf")
@example(query="max_cost=-1&max_hours=inf&max_weeks=1e999999999&sort=%zz")
@example(query="q=%ff%fe&role=%ed%a0%80&format=%00&framework=%zz")
@example(query="q=" + "%3Cx-fuzz%3E" * 1000)
@example(query="&".join(["role=clinicians"] * 1001))
def test_program_list_never_fails_or_echoes_markup(catalog, client, query):
    _TALLY.examples["program_list"] += 1
    response = _get(client, "/programs/", query)
    if response.status_code in (301, 302):
        # Empty values are dropped by a redirect, which must land on the page itself.
        location = response["Location"]
        assert location.startswith("/programs/")
        path, _, kept = location.partition("?")
        assert _get(client, path, kept).status_code == 200


@_fuzz_settings("exports")
@given(
    path=st.sampled_from(["/programs/export.csv", "/programs/export.json"]),
    query=_query(LIST_PARAMS),
)
@example(path="/programs/export.csv", query="max_cost=1e309&q=%00&sort=%zz&role=%ed%a0%80")
@example(path="/programs/export.json", query="q=" + "%3Cx-fuzz%3E" * 1000 + "&page=-1")
def test_exports_never_fail_midway(catalog, client, path, query):
    """A streamed download that failed halfway would look like a complete file: every example
    is read to the end and parsed."""
    _TALLY.examples["exports"] += 1
    response = _get(client, path, query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    if path.endswith(".json"):
        document = json.loads(body)
        assert len(document["programs"]) == document["count"]
    else:
        rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
        assert rows[0][0] == "slug"


@_fuzz_settings("compare")
@given(
    path=st.sampled_from(
        ["/compare/", "/compare/print/", "/compare/export.csv", "/compare/export.json"]
    ),
    query=_query(COMPARE_PARAMS),
)
@example(path="/compare/", query=f"programs={seed.IABAC}&programs={seed.JHU}&hours=1e309")
@example(path="/compare/", query=f"programs={seed.IABAC}&programs=%3Cx-fuzz%3E&format=json")
@example(path="/compare/print/", query=f"programs={seed.HARVARD}&programs=%ff&hours=NaN")
@example(path="/compare/", query="&".join(f"programs={slug}" for slug in [*seed.ALL, *seed.ALL]))
@example(path="/compare/", query="&".join(f"programs=x{n}" for n in range(60)))
def test_compare_never_fails_or_echoes_markup(catalog, client, path, query):
    _TALLY.examples["compare"] += 1
    response = _get(client, path, query)
    if response.status_code == 200 and response["Content-Type"].startswith("application/json"):
        json.loads(response.content)


@_fuzz_settings("finder")
@given(query=_query(FINDER_PARAMS))
@example(query="budget=1e309&weekly_hours=NaN&role=%zz&pace=%00")
@example(query="budget=-0&weekly_hours=-inf&cme=on&assessed=on&portable=on")
def test_finder_never_fails_or_echoes_markup(catalog, client, query):
    _TALLY.examples["finder"] += 1
    _get(client, "/finder/", query)


@_fuzz_settings("paginated")
@given(
    path=st.sampled_from(["/changes/", *(f"/roles/{slug}/" for slug in ROLE_SLUGS)]),
    query=_query(PAGE_PARAMS),
)
@example(path="/changes/", query="page=" + "9" * 5000)
@example(path=f"/roles/{ROLE_SLUGS[0]}/", query="page=1e309&page=-1")
def test_paginated_pages_take_any_page(catalog, client, path, query):
    _TALLY.examples["paginated"] += 1
    assert _get(client, path, query).status_code == 200


_header_values = st.one_of(
    st.just(""),
    st.binary(max_size=60).map(lambda raw: raw.decode("latin-1")),
    st.sampled_from(["*", 'W/"v1-0"', '"v1-x", *', "Sat, 01 Jan 99999 00:00:00 GMT", "-1"]),
)


@_fuzz_settings("fixed_pages")
@given(
    path=st.sampled_from(
        [
            "/",
            "/roles/",
            "/sources/",
            "/changes/feed/",
            "/programs/ctdl.json",
            "/sitemap.xml",
            "/robots.txt",
            "/healthz",
            *(f"/programs/{slug}/" for slug in seed.ALL),
        ]
    ),
    query=_query(EVERY_PARAM),
    if_none_match=_header_values,
    if_modified_since=_header_values,
)
def test_pages_without_parameters_ignore_any_query(
    catalog, client, path, query, if_none_match, if_modified_since
):
    """These pages read no parameters; the query string and the revalidation headers are
    still part of their cache key and ETag."""
    _TALLY.examples["fixed_pages"] += 1
    headers = {
        name: value
        for name, value in (
            ("If-None-Match", if_none_match),
            ("If-Modified-Since", if_modified_since),
        )
        if value
    }
    assert _get(client, path, query, **headers).status_code in (200, 304)


def _segments(known: list[str]) -> st.SearchStrategy[str]:
    """A path segment, raw: a real slug, a slug-shaped stranger, or anything at all."""
    return st.one_of(
        st.sampled_from(known),
        st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True),
        _any_text.map(_encoded),
        _marked.map(_encoded),
        st.binary(max_size=40).map(lambda raw: quote(raw, safe="")),
        _broken_percent.map(lambda raw: raw.replace("+", "%2B")),
        TEN_KB,
    )


@_fuzz_settings("program_slug")
@given(segment=_segments(seed.ALL))
@example(segment="%ff%fe")
@example(segment="%00")
def test_program_pages_are_found_or_not_found(catalog, client, segment):
    _TALLY.examples["program_slug"] += 1
    expected = {200} if segment in seed.ALL else {200, 404}
    assert _get(client, f"/programs/{segment}/").status_code in expected


@_fuzz_settings("role_slug")
@given(segment=_segments(ROLE_SLUGS), query=_query(PAGE_PARAMS))
@example(segment="%ed%a0%80", query="")
def test_role_pages_are_found_or_not_found(catalog, client, segment, query):
    _TALLY.examples["role_slug"] += 1
    expected = {200} if segment in ROLE_SLUGS else {200, 404}
    assert _get(client, f"/roles/{segment}/", query).status_code in expected
