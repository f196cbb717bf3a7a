"""Which programs a role page lists, across the role hierarchy (physicians are clinicians)."""

from programs.models import Role, RoleFit


def family_note(fit: RoleFit, role: Role) -> str | None:
    """Why a fit for another role of the family is on this role's page, in words."""
    if fit.role_id == role.pk:
        return None
    if fit.role.parent_id == role.pk:
        return f"for {fit.role.name.lower()}"
    return f"for {fit.role.name.lower()}, which includes {role.name.lower()}"


def role_fits_for_page(role: Role, fits: list[RoleFit]) -> tuple[list[RoleFit], list[RoleFit]]:
    """Primary matches and complements for a role page, one fit per program.

    A fit for the role itself wins over one for its wider or narrower role; each borrowed fit
    carries `family_note` ("for physicians") so the page says whom the source meant.
    """
    chosen: dict[int, RoleFit] = {}
    for fit in fits:
        current = chosen.get(fit.program_id)
        if current is None or (fit.role_id == role.pk and current.role_id != role.pk):
            chosen[fit.program_id] = fit
    for fit in chosen.values():
        fit.family_note = family_note(fit, role)
    ordered = sorted(chosen.values(), key=lambda f: f.program.name)
    primary = [f for f in ordered if f.fit == RoleFit.Fit.PRIMARY]
    complement = [f for f in ordered if f.fit == RoleFit.Fit.COMPLEMENT]
    return primary, complement
