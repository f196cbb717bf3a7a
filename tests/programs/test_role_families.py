"""A role page lists each program once: its own fit for the role wins over a fit the source gave
for the wider or narrower role, whichever comes first."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from programs.models import Role, RoleFit
from tests.factories import ProgramFactory, RoleFitFactory
from tests.seed import GUIDE_SENTENCE

pytestmark = pytest.mark.django_db


def _section(page, heading_id: str):
    return page.find("section", attrs={"aria-labelledby": heading_id})


@pytest.mark.parametrize(
    ("own", "family"),
    [
        (RoleFit.Strength.RECOMMENDED, RoleFit.Strength.ADDITION),  # its own fit is stronger
        (RoleFit.Strength.ADDITION, RoleFit.Strength.RECOMMENDED),  # the wider role's is
    ],
)
def test_a_program_fitted_to_a_role_and_its_wider_role_is_listed_once_by_its_own_fit(
    client, catalog, own, family
):
    program = ProgramFactory(name="Aa Physician AI")
    physicians, clinicians = (
        Role.objects.get(slug="physicians"),
        Role.objects.get(slug="clinicians"),
    )
    for role, fit in ((physicians, own), (clinicians, family)):
        RoleFitFactory(
            program=program,
            role=role,
            strength=fit,
            grade="the domain",
            source_id=1,
            rationale=GUIDE_SENTENCE,
        )
    response = client.get(reverse("programs:role", args=["physicians"]))
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.find_all(id=f"program-{program.slug}")) == 1
    listed_in = "section-recommended" if own == RoleFit.Strength.RECOMMENDED else "section-addition"
    card = _section(page, listed_in).find(id=f"program-{program.slug}")
    assert card is not None
    assert not card.find_parent(class_="fit-grid__item").find(class_="badge--family")
