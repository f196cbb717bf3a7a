"""Credential stacks over the seed catalogue (issue #23): every figure and every named unknown
checked against the 2026 guide's sentences, not against the code's output."""

import pytest

from compare.stacks import NOT_PAIRED, PairingKind, Yes, build_stack, links_among
from programs.models import RoleFit
from tests.seed import CEDARS, HARVARD, IABAC, JHU, STANFORD

pytestmark = pytest.mark.django_db


def test_harvard_and_johns_hopkins_add_up_to_about_7790_with_the_approximation_kept(catalog):
    """'priced at roughly $1,600 per course' × three modules = about $4,800; Johns Hopkins
    'at $2,990': about $7,790. 'approximately five weeks' × 3 + '10 weeks' = about 25 weeks
    one after another, about 15 side by side; only Harvard publishes weekly hours."""
    stack = build_stack([HARVARD, JHU])
    assert [p.cost.text for p in stack.parts] == ["about $4,800", "$2,990"]
    assert stack.cost.text == "about $7,790"
    assert stack.cost.breakdown == "about $4,800 + $2,990"
    assert stack.cost.complete
    assert stack.one_after_another.text == "about 25 weeks"
    assert stack.side_by_side.text == "about 15 weeks"
    assert stack.weekly_hours.text == "4–5 hours a week + Johns Hopkins: not published"
    assert stack.one_after_another.known.derived_from.startswith("Derived")
    # Both have fixed start dates the sources do not publish.
    assert len(stack.schedule_notes) == 2
    assert all("fixed start dates" in said for said in stack.schedule_notes)
    # The guide names both for clinicians side by side, but never pairs them.
    assert stack.pairings == []
    assert NOT_PAIRED == "The sources do not pair these."


def test_a_published_price_plus_an_unpublished_one_names_the_unknown(catalog):
    stack = build_stack([JHU, IABAC])
    assert stack.cost.text == "$2,990 + IABAC: not published"
    assert stack.cost.unknown == ["IABAC"]
    assert stack.one_after_another.text == "10 weeks + IABAC: not published"
    assert stack.side_by_side.text == "at least 10 weeks + IABAC: not published"


def test_iabac_and_stanford_as_the_guide_pairs_them_for_informatics(catalog):
    """'Pairing it with Stanford's specialization … addresses both the domain and technical
    requirements this role demands' ('it': IABAC's certification); for clinicians IABAC is 'a
    practical complement' and Stanford 'a natural fit' (not said of each other)."""
    stack = build_stack([IABAC, STANFORD])
    assert stack.cost.text == "IABAC: not published + Stanford: not published"
    assert stack.one_after_another.text == "IABAC: not published + Stanford: not published"
    named = [p for p in stack.pairings if p.kind == PairingKind.NAMED]
    assert len(named) == 1
    assert named[0].addition.short == "Stanford" and named[0].base.short == "IABAC"
    assert named[0].addition_fit.rationale.startswith("Pairing it with Stanford's specialization")
    assert named[0].roles == ["clinical informatics professionals", "healthcare data professionals"]
    assert named[0].speaker == "the 2026 guide (which promotes IABAC)"
    added = [p for p in stack.pairings if p.kind == PairingKind.ADDITION]
    assert [(p.addition.short, p.roles) for p in added] == [("IABAC", ["clinicians"])]
    assert "a practical complement" in added[0].sentence
    assert "does not say the addition is meant with Stanford" in added[0].sentence
    iabac, stanford = stack.parts
    # The three questions, in the sources' words and with who says them.
    assert iabac.answers["assessed"].yes == Yes.YES
    assert iabac.answers["assessed"].qualifier == "according to IABAC, as the 2026 guide reports"
    assert iabac.answers["recognised"].value == "EDISON Data Science Framework"
    assert iabac.answers["cme"].yes == Yes.UNKNOWN
    assert stanford.answers["assessed"].value == "Completion-based"
    assert stanford.answers["recognised"].yes == Yes.UNKNOWN
    # The guide says only that it "carries CME accreditation" (issue #24).
    assert stanford.answers["cme"].value == "Yes — amount, type and accreditor not published"
    assert [p.short for p in stack.coverage("cme")] == ["Stanford"]
    assert [p.short for p in stack.coverage("assessed")] == ["IABAC"]
    assert all(p.answers["built"].yes == Yes.YES for p in stack.parts)
    assert "built with healthcare as the primary lens" in iabac.answers["built"].value


def test_every_figure_has_numbered_footnotes_to_its_sentence(catalog):
    stack = build_stack([HARVARD, JHU])
    harvard, jhu = stack.parts
    quotes = {n.number: n.quote for n in stack.notes.items}
    assert any("roughly $1,600 per course" in quotes[n] for n in harvard.cost.notes)
    assert any("runs 10 weeks online at $2,990" in quotes[n] for n in jhu.cost.notes)
    assert any("approximately five weeks" in quotes[n] for n in harvard.weeks.notes)
    assert [n.number for n in stack.notes.items] == list(range(1, len(stack.notes.items) + 1))


def test_a_module_is_priced_and_timed_as_that_module(catalog):
    """'Cedars-Sinai and Harvard's innovation module are solid additions for administrators';
    IABAC is 'a direct match' for them. The module: about $1,600 and about 5 weeks."""
    stack = build_stack([IABAC, f"{HARVARD}:2", CEDARS])
    module = stack.parts[1]
    assert module.name.endswith("Innovation strategy (module 2)")
    assert (module.cost.text, module.weeks.text) == ("about $1,600", "about 5 weeks")
    assert stack.cost.text == ("about $1,600 + IABAC: not published + Cedars-Sinai: not published")
    admin = [p for p in stack.pairings if p.roles == ["hospital administrators"]]
    assert sorted(p.addition.short for p in admin) == [
        "Cedars-Sinai",
        "Harvard's Innovation strategy module",
    ]
    assert all(p.base.short == "IABAC" for p in admin)
    # Harvard's word for clinicians is about the whole program, not this module.
    assert not [p for p in stack.pairings if p.base is module]


def test_bad_parts_are_named_and_the_rest_stacked(catalog):
    stack = build_stack([JHU, "no-such", "x\x00y", JHU, f"{HARVARD}:9", IABAC])
    assert stack.refs == [JHU, IABAC]
    assert stack.not_found == ["xy", "no-such", f"{HARVARD}:9"]
    assert stack.repeated == [JHU]
    assert len(build_stack([IABAC, HARVARD, JHU, CEDARS, STANFORD]).left_out) == 1


def test_role_page_links_are_the_pairings_the_guide_names(catalog):
    fits = list(RoleFit.objects.select_related("program__provider", "role", "source", "module"))
    texts = {link.refs: link.text for link in links_among(fits)}
    assert texts[(IABAC, STANFORD)] == (
        "IABAC with Stanford, as the 2026 guide (which promotes IABAC) suggests for clinical "
        "informatics professionals"
    )
    assert (CEDARS, STANFORD) not in texts  # the guide pairs Stanford with IABAC only
    assert (IABAC, f"{HARVARD}:2") in texts and (IABAC, CEDARS) in texts


def test_no_figure_names_one_footnote_twice(catalog):
    """Two citations of one sentence (a program's weeks and its modules) are one footnote."""
    from itertools import combinations

    from tests.seed import ALL

    for pair in combinations(ALL, 2):
        stack = build_stack(list(pair))
        for part in stack.parts:
            for figure in (part.cost, part.weeks):
                assert len(figure.notes) == len(set(figure.notes)), (pair, figure)
            assert len(part.weekly_hours_notes) == len(set(part.weekly_hours_notes)), pair
