"""One role logic everywhere (issue #21): the comparison's role rows, the role pages, the list's
role filter and the finder name the same programs for each role, through the same hierarchy
(physicians are clinicians); every fit shown carries its words, its judge and its sentence."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from compare.finder import Needs, find
from programs.models import Program, Role
from tests.seed import ALL, HARVARD

pytestmark = pytest.mark.django_db


def _role_page_programs(client, role) -> set[str]:
    page = BeautifulSoup(client.get(role.get_absolute_url()).content, "html.parser")
    return {a["id"].removeprefix("program-") for a in page.select(".program-card__title a")}


def _compare_rows(client) -> dict[str, dict[str, BeautifulSoup]]:
    """{role name: {program slug: its cell}} for the comparison of all six programs."""
    page = BeautifulSoup(
        client.get(reverse("compare:index"), {"programs": ALL}).content, "html.parser"
    )
    slugs = [
        a["href"].strip("/").split("/")[-1] for a in page.select("thead th a[href^='/programs/']")
    ]
    rows = {}
    for tr in page.select(".compare-table tbody tr"):
        label = tr.find("th", scope="row")
        if label is None or not tr.find_parent("tbody").find(string="Fit by role"):
            continue
        rows[label.contents[0].strip()] = dict(zip(slugs, tr.find_all("td"), strict=True))
    return rows


def test_the_compare_role_rows_agree_with_the_role_pages_for_every_role(client, catalog):
    rows = _compare_rows(client)
    for role in Role.objects.all():
        named = _role_page_programs(client, role)
        cells = rows.get(role.name, {})
        shown = {slug for slug, td in cells.items() if not td.select_one(".unknown")}
        assert shown == named, role.slug
        listed = client.get(reverse("programs:list"), {"role": role.slug})
        listed = BeautifulSoup(listed.content, "html.parser")
        assert {
            a["id"].removeprefix("program-") for a in listed.select(".program-card__title a")
        } == named, role.slug
        ranking = find(Program.objects.published().for_detail(), Needs(role=role))
        assert {m.program.slug for m in ranking.named} == named, role.slug
        for slug, td in cells.items():
            if slug in named:
                # The source's words, whose judgement, and the sentence one click away.
                assert "“" in td.get_text(), (role.slug, slug)
                assert "says the 2026 guide (which promotes IABAC)" in td.get_text(" ")
                assert td.select_one("details.citation blockquote p").get_text().startswith("“")


def test_physicians_see_the_clinicians_fits_marked_as_such(client, catalog):
    physicians = _compare_rows(client)["Physicians"]
    stanford = physicians["stanford-ai-in-healthcare"].get_text(" ", strip=True)
    assert "“a natural fit”" in stanford
    assert "For clinicians, which includes physicians" in stanford


def test_the_one_module_caveat_travels_to_the_csv_and_json(client, catalog):
    query = {"programs": [HARVARD, "iabac-ai-in-healthcare"]}
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("compare:export_csv"), query).content.decode("utf-8-sig")
            )
        )
    )
    admins = next(r for r in rows[1:] if r[1] == "Hospital administrators")
    assert admins[2].startswith("Named as an addition to another credential: “solid additions”")
    assert "One module only: Innovation strategy" in admins[3]
    assert "says the 2026 guide (which promotes IABAC)" in admins[3]
    assert "“Cedars-Sinai and Harvard's innovation module are solid additions" in admins[3]
    data = client.get(reverse("compare:export_json"), query).json()
    row = next(r for r in data["rows"] if r["key"] == "role-hospital-administrators")
    harvard = row["values"][HARVARD]
    assert harvard["note"] == "One module only: Innovation strategy"
    assert harvard["stated_by"] == "says the 2026 guide (which promotes IABAC)"
    assert harvard["source"][0]["quote"].startswith("Cedars-Sinai and Harvard's innovation module")


def test_the_list_prices_harvard_for_administrators_as_its_innovation_module(client, catalog):
    page = BeautifulSoup(
        client.get(
            reverse("programs:list"), {"role": "hospital-administrators", "max_cost": "3000"}
        ).content,
        "html.parser",
    )
    card = page.find(id=f"program-{HARVARD}").find_parent("article")
    note = card.select_one(".program-card__module").get_text(" ", strip=True)
    assert note.startswith(
        "For hospital administrators, the source recommends one module, not the whole program:"
    )
    assert "Innovation strategy" in note and "about $1,600" in note
    # Without the role, the whole program's about $4,800 is over a $3,000 budget.
    page = BeautifulSoup(
        client.get(reverse("programs:list"), {"max_cost": "3000"}).content, "html.parser"
    )
    assert (
        page.find(id=f"program-{HARVARD}") is None or page.find(id=f"near-miss-{HARVARD}") is None
    )
