"""Every fact with a value is supported by a citation that talks about that very thing."""

import pytest

from programs import display
from programs.facts import facts_for
from programs.models import Program

pytestmark = pytest.mark.django_db


def _price_words(program: Program) -> tuple[str, ...]:
    return (f"${display.number(program.price_amount)}",)


KEY_WORDS = {
    "total_cost": _price_words,
    "duration": lambda p: ("week",),
    "weekly_hours": lambda p: ("hours per week", "hours a week"),
    "format": lambda p: ("cohort", "own schedule", "self-paced", "weekly modules"),
    "platform": lambda p: (p.platform,),
    "credential_kind": lambda p: ("certif", "specialization"),
    "assessment_type": lambda p: ("assessment", "exam", "completion-based"),
    "proctoring": lambda p: ("proctored",),
    "exam": lambda p: (str(p.exam_questions),),
    "cme_credit": lambda p: ("CME",),
    "framework": lambda p: ("framework",),
    "validity": lambda p: ("valid",),
}


@pytest.mark.parametrize("key", sorted(KEY_WORDS))
def test_every_published_fact_cites_a_sentence_about_it(catalog, key):
    checked = 0
    for program in Program.objects.for_detail():
        fact = next(f for f in facts_for(program) if f.key == key)
        if fact.value is None:
            continue
        words = [w.lower() for w in KEY_WORDS[key](program)]
        assert fact.citations, f"{program.slug}: {key} has no citation"
        assert any(
            any(word in citation.quote.lower() for word in words) for citation in fact.citations
        ), f"{program.slug}: no {key} citation mentions {words}"
        checked += 1
    assert checked, f"no seeded program publishes {key}"
