"""The one role logic (issue #21): which fit speaks for a role, across the role hierarchy.

Physicians are clinicians: a source's word for clinicians holds for physicians (a wider role's
fit, marked "for clinicians, which includes physicians"), while its word for physicians holds
for part of the clinicians only (a narrower role's fit, marked "for physicians"). Role pages,
program pages, the finder, the comparison's role rows, filters and counts all read it here.
"""

from dataclasses import dataclass
from enum import IntEnum

from programs.models import Role, RoleFit


class Reach(IntEnum):
    """How a fit for one role bears on another: its own, a wider role's, a narrower role's."""

    OWN = 0
    WIDER = 1
    NARROWER = 2


def reach(fit_role: Role, role: Role) -> Reach | None:
    """How a fit for `fit_role` bears on `role`; None when it does not (another family)."""
    if fit_role.pk == role.pk:
        return Reach.OWN
    if role.parent_id == fit_role.pk:
        return Reach.WIDER
    if fit_role.parent_id == role.pk:
        return Reach.NARROWER
    return None


def family_note(fit: RoleFit, role: Role) -> str | None:
    """Why a fit for another role of the family is shown for this role, in words."""
    match reach(fit.role, role):
        case Reach.NARROWER:
            return f"for {fit.role.name.lower()}"
        case Reach.WIDER:
            return f"for {fit.role.name.lower()}, which includes {role.name.lower()}"
    return None


@dataclass(frozen=True)
class RoleFitFor:
    """The fit that speaks for a role, with how it bears on it."""

    fit: RoleFit
    reach: Reach
    note: str | None

    @property
    def applies(self) -> bool:
        """True when the source's word holds for the whole role (its own or a wider role's)."""
        return self.reach != Reach.NARROWER

    @property
    def rank_key(self) -> tuple[int, int, int]:
        """Whole-role fits before part-role ones, then the strongest grading, then own first."""
        return (not self.applies, -self.fit.strength, self.reach)


def fit_for(role: Role, fits) -> RoleFitFor | None:
    """The one fit among one program's `fits` that speaks for `role`: its own first, then a
    wider role's, then a narrower one's; the strongest grading among equals."""
    found = []
    for fit in fits:
        bears = reach(fit.role, role)
        if bears is not None:
            found.append(RoleFitFor(fit, bears, family_note(fit, role)))
    return min(found, key=lambda f: (f.reach, -f.fit.strength), default=None)


_STRENGTH = RoleFit.Strength
SECTIONS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("recommended", "Recommended or named as an option", (_STRENGTH.RECOMMENDED, _STRENGTH.OPTION)),
    ("addition", "Named as an addition to another credential", (_STRENGTH.ADDITION,)),
    ("audience", "Programs whose described audience includes this role", (_STRENGTH.AUDIENCE,)),
)
"""A role page's sections by strength, strongest first."""


def role_fits_for_page(role: Role, fits: list[RoleFit]) -> list[tuple[str, str, list[RoleFit]]]:
    """A role page's sections, each with its fits: one fit per program (`fit_for`), each
    carrying `family_note` ("for physicians") so the page says whom the source meant."""
    by_program: dict[int, list[RoleFit]] = {}
    for fit in fits:
        by_program.setdefault(fit.program_id, []).append(fit)
    chosen = []
    for program_fits in by_program.values():
        found = fit_for(role, program_fits)
        if found is not None:
            found.fit.family_note = found.note
            chosen.append(found)
    chosen.sort(key=lambda f: (*f.rank_key, f.fit.program.name))
    return [
        (key, title, [f.fit for f in chosen if f.fit.strength in strengths])
        for key, title, strengths in SECTIONS
    ]
