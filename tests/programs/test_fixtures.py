"""The real catalogue: every stored fact is asserted here, so a bad data edit fails CI."""

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from programs.facts import FACTS, facts_for
from programs.models import Citation, Document, Module, Program, Provider, Role, RoleFit, Topic
from tests.seed import ALL

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
SHARED_SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


def _source_text() -> str:
    return "\n".join(path.read_text() for path in sorted(SOURCES.glob("*.txt")))


def _program(slug):
    return Program.objects.for_detail().get(slug=slug)


def test_catalogue_loads_six_programs(catalog):
    assert set(Program.objects.values_list("slug", flat=True)) == set(ALL)


def test_loading_twice_duplicates_nothing(catalog):
    models = [Program, Provider, Role, Topic, Module, RoleFit, Citation, Document]
    before = {m: m.objects.count() for m in models}
    call_command("loaddata", "catalog", verbosity=0)
    assert {m: m.objects.count() for m in models} == before


def test_every_object_passes_full_clean(catalog):
    for model in (Program, Provider, Role, Topic, Module, RoleFit, Citation, Document):
        for obj in model.objects.all():
            obj.full_clean()


def test_every_quote_is_word_for_word_in_a_source(catalog):
    text = _source_text()
    for citation in Citation.objects.all():
        assert citation.quote in text, citation.quote
    for fit in RoleFit.objects.all():
        assert fit.rationale in text, fit.rationale


def test_role_descriptions_are_quoted_from_the_sources(catalog):
    text = _source_text()
    for role in Role.objects.exclude(description=None):
        assert role.description in text


SOURCE_SHA256 = {
    "000_e62f971bf73a12ad.txt": "360e00b1d413cf8920631fa1079c8c489b8fa65dcdf982190a810e471b9ff982",
    "001_84e65b64ca393dca.txt": "cbf4c5c62fa0136bcd19600c7a0dc826c02eb4bf8b425fc9ae0510c944b254ff",
}
"""The SHA-256 of each source document as published in ../shared/seeds (checked 2026-11-26),
so a clone with nothing beside it still proves the bundled copies are the originals."""


def test_bundled_sources_are_the_published_documents():
    """fixtures/sources holds exactly the published documents, byte for byte."""
    bundled = {path.name: path for path in SOURCES.glob("*.txt")}
    assert set(bundled) == set(SOURCE_SHA256)
    for name, digest in SOURCE_SHA256.items():
        assert hashlib.sha256(bundled[name].read_bytes()).hexdigest() == digest, name


def test_the_checksums_are_those_of_the_shared_seeds_when_they_are_here():
    """Next to ../shared (a developer's machine), the pinned checksums are the seeds' own; in a
    standalone clone there is nothing to compare with, and the test above has done the work."""
    seeds = (
        {path.name: path for path in SHARED_SEEDS.glob("*.txt")} if SHARED_SEEDS.is_dir() else {}
    )
    for name, path in seeds.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == SOURCE_SHA256.get(name), name


def test_every_known_fact_cites_a_sentence(catalog):
    """A value without a source sentence would be a guess."""
    derived = {"total_hours", "proctoring", "credential_kind"}
    for program in Program.objects.for_detail():
        for fact in facts_for(program):
            if fact.value is not None and fact.key not in derived:
                assert fact.citations, f"{program.slug}: {fact.label} has no citation"
    assert {spec.key for spec in FACTS} >= derived


def test_nothing_unpublished_is_filled_in(catalog):
    """The sources give prices only for Harvard and Johns Hopkins, and no program URLs."""
    priced = set(Program.objects.exclude(price_amount=None).values_list("slug", flat=True))
    assert priced == {"harvard-ai-in-health-care", "johns-hopkins-ai-in-healthcare"}
    assert set(Program.objects.exclude(duration_weeks=None).values_list("slug", flat=True)) == {
        "johns-hopkins-ai-in-healthcare",
        "cedars-sinai-applied-ai-health-systems",
    }
    assert list(Program.objects.exclude(cme_credit=None).values_list("slug", flat=True)) == [
        "stanford-ai-in-healthcare"
    ]
    assert not Document.objects.exclude(url=None).exists()


def test_iabac_facts(catalog):
    p = _program("iabac-ai-in-healthcare")
    assert p.provider.short_name == "IABAC"
    assert p.provider.kind == Provider.Kind.CREDENTIALING_BODY
    assert p.credential_kind == Program.CredentialKind.CERTIFICATION
    assert p.format == Program.Format.SELF_PACED
    assert p.assessment_type == Program.AssessmentType.PROCTORED_EXAM
    assert p.is_proctored is True
    assert p.framework == Program.Framework.EDISON
    assert p.total_cost is None and p.total_weeks is None and p.cme_credit is None
    assert {t.slug for t in p.topics.all()} >= {
        "ai-governance",
        "healthcare-data-analytics",
        "predictive-modelling",
    }
    # The guide's own grading words for each role; its audience line is no recommendation.
    assert _grades(p) == {
        "hospital-administrators": (RoleFit.Strength.RECOMMENDED, "a direct match"),
        "operations-managers": (RoleFit.Strength.RECOMMENDED, "a direct match"),
        "clinical-informatics": (RoleFit.Strength.OPTION, "a practical option"),
        "healthcare-data": (RoleFit.Strength.OPTION, "a practical option"),
        "nursing-leaders": (RoleFit.Strength.AUDIENCE, "The target audience is deliberately broad"),
        "clinicians": (RoleFit.Strength.ADDITION, "a practical complement"),
    }


def _grades(program) -> dict:
    """Each role fit's strength and the source's grading words, which its sentence holds."""
    for fit in program.role_fits.all():
        assert fit.grade.lower() in fit.rationale.lower()
        assert fit.condition is None or fit.condition in fit.rationale
    return {f.role.slug: (f.strength, f.grade) for f in program.role_fits.all()}


def test_harvard_facts(catalog):
    p = _program("harvard-ai-in-health-care")
    assert (p.price_amount, p.price_currency, p.price_basis) == (
        Decimal("1600"),
        "USD",
        "per_course",
    )
    assert p.price_is_approximate
    assert p.course_count == 3
    assert p.total_cost == Decimal("4800")
    assert [m.weeks for m in p.modules.all()] == [Decimal("5")] * 3
    assert p.duration_weeks is None and p.total_weeks == Decimal("15") and p.weeks_are_approximate
    assert (p.weekly_hours_min, p.weekly_hours_max) == (Decimal("4"), Decimal("5"))
    assert p.format == Program.Format.COHORT
    assert p.framework == Program.Framework.INSTITUTION_SPECIFIC
    assert _grades(p) == {
        "clinicians": (RoleFit.Strength.RECOMMENDED, "strong academic depth"),
        "healthcare-leaders": (RoleFit.Strength.RECOMMENDED, "best suited for"),
        "hospital-administrators": (RoleFit.Strength.ADDITION, "solid additions"),
    }
    innovation = p.role_fits.get(role__slug="hospital-administrators").module
    assert innovation.title == "Innovation strategy"


def test_johns_hopkins_facts(catalog):
    p = _program("johns-hopkins-ai-in-healthcare")
    assert (p.price_amount, p.price_basis, p.total_cost) == (
        Decimal("2990"),
        "program",
        Decimal("2990"),
    )
    assert p.duration_weeks == Decimal("10")
    assert p.prerequisites == "No prior programming experience required."
    assert p.format == Program.Format.COHORT
    assert _grades(p) == {"clinicians": (RoleFit.Strength.RECOMMENDED, "strong academic depth")}


def test_cedars_sinai_facts(catalog):
    p = _program("cedars-sinai-applied-ai-health-systems")
    assert p.provider.kind == Provider.Kind.HEALTH_SYSTEM
    assert p.duration_weeks == Decimal("12")
    assert p.total_cost is None and p.assessment_type is None and p.format is None
    assert _grades(p) == {
        "operations-managers": (RoleFit.Strength.OPTION, "highly relevant"),
        "clinical-informatics": (RoleFit.Strength.OPTION, "highly relevant"),
        "hospital-administrators": (RoleFit.Strength.ADDITION, "solid additions"),
    }


def test_stanford_facts(catalog):
    p = _program("stanford-ai-in-healthcare")
    assert p.platform == "Coursera"
    assert p.cme_credit is True
    assert p.credential_kind == Program.CredentialKind.SPECIALIZATION
    assert p.assessment_type == Program.AssessmentType.COMPLETION_BASED
    assert p.total_cost is None and p.total_weeks is None
    assert _grades(p) == {
        "clinicians": (RoleFit.Strength.RECOMMENDED, "a natural fit"),
        "clinical-informatics": (RoleFit.Strength.ADDITION, "Pairing it with"),
        "healthcare-data": (RoleFit.Strength.ADDITION, "Pairing it with"),
    }


def test_abaim_facts(catalog):
    p = _program("abaim-ai-in-medicine-certification")
    assert p.provider.kind == Provider.Kind.SPECIALTY_BOARD
    # "Board-level" is how ABAIM positions itself (the guide); the essay says "educational
    # certification". Neither is stored as a settled kind, and the credential has no title.
    assert p.credential_kind == Program.CredentialKind.CERTIFICATION
    assert "title not published" in p.name
    standings = {(c.field, c.document_id): c.standing for c in p.citations.all()}
    assert standings[("source_note", 1)] == Citation.Standing.SELF_DESCRIBED
    assert "positions itself" in p.source_note and "Educational Certification" in p.source_note
    assert (p.exam_questions, p.exam_minutes, p.exam_pass_mark) == (110, 120, 70)
    assert p.validity_months == 24
    assert p.is_proctored is None
    assert _grades(p) == {"physicians": (RoleFit.Strength.OPTION, "worth considering")}


def test_vendor_document_is_flagged(catalog):
    guide = Document.objects.get(title__startswith="Best AI Certifications")
    assert guide.is_vendor
    assert guide.badge == "promotes IABAC"
    assert guide.author is None and guide.publisher is None
    assert guide.date_label == "undated; its text says 2026"
    paper = Document.objects.get(author="Rasit Dinc")
    assert not paper.is_vendor
    assert paper.doi == "10.5281/zenodo.17997722"
    assert paper.link == "https://doi.org/10.5281/zenodo.17997722"
    assert str(paper.published_on) == "2022-11-09"


def test_seed_command_loads_an_empty_catalogue_once_and_keeps_edits(db):
    call_command("seed_catalog", verbosity=0)
    assert Program.objects.count() == 6
    Program.objects.filter(slug="johns-hopkins-ai-in-healthcare").update(
        price_amount=Decimal("3100")
    )
    call_command("seed_catalog", verbosity=0)
    assert Program.objects.get(slug="johns-hopkins-ai-in-healthcare").price_amount == Decimal(
        "3100"
    )
