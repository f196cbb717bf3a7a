"""The fit finder's GET form: what a reader needs; a bad answer is reported and ignored."""

from decimal import Decimal

from django import forms

from compare.finder import Needs
from programs.models import Program, Role


class FinderForm(forms.Form):
    role = forms.ChoiceField(label="Your role", required=False)
    budget = forms.DecimalField(
        label="Budget (USD)",
        required=False,
        min_value=0,
        max_value=1_000_000,
        max_digits=9,
        decimal_places=2,
    )
    weekly_hours = forms.DecimalField(
        label="Hours a week you can study",
        required=False,
        min_value=Decimal("0.5"),
        max_value=80,
        max_digits=4,
        decimal_places=1,
    )
    cme = forms.BooleanField(label="I need CME credit", required=False)
    assessed = forms.BooleanField(
        label="I want an assessed credential (an exam or other assessment)", required=False
    )
    portable = forms.BooleanField(
        label="I want recognition beyond one institution (an external framework)", required=False
    )
    pace = forms.ChoiceField(
        label="Format",
        required=False,
        choices=[
            ("", "Either"),
            (Program.Format.SELF_PACED, "Self-paced"),
            (Program.Format.COHORT, "Cohort with fixed start dates"),
        ],
    )

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.roles = {role.slug: role for role in roles}
        self.fields["role"].choices = [("", "Any role")] + [(r.slug, r.name) for r in roles]

    def needs(self) -> Needs:
        """The valid answers; an invalid field counts as not asked (its error is shown)."""
        if not self.is_bound:
            return Needs()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Needs(
            role=self.roles.get(data.get("role") or ""),
            budget=data.get("budget"),
            weekly_hours=data.get("weekly_hours"),
            cme=bool(data.get("cme")),
            assessed=bool(data.get("assessed")),
            portable=bool(data.get("portable")),
            pace=data.get("pace") or None,
        )


class PaceForm(forms.Form):
    """The compare page's optional 'hours a week you can study'."""

    hours = forms.DecimalField(
        label="Your hours a week",
        required=False,
        min_value=Decimal("0.5"),
        max_value=80,
        max_digits=4,
        decimal_places=1,
    )

    def weekly_hours(self) -> Decimal | None:
        return self.cleaned_data.get("hours") if self.is_valid() else None


class SinceForm(forms.Form):
    """The compare page's optional `?since=<date>`: mark what changed since that day."""

    since = forms.DateField(
        label="Changed since",
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="A date as 2026-11-01",
    )

    def clean_since(self):
        day = self.cleaned_data["since"]
        if day is not None and day.year < 2000:
            raise forms.ValidationError("Give a date from 2000 on, as 2026-11-01.")
        return day

    def day(self):
        return self.cleaned_data.get("since") if self.is_valid() else None
