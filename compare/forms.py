"""The fit finder's GET form: what a reader needs; a bad answer is reported and ignored."""

from decimal import Decimal

from django import forms

from compare.finder import Needs
from programs.models import Program, Role


def weekly_hours_field(label: str) -> forms.DecimalField:
    """A reader's study hours a week (finder, compare pace, team plan): half an hour to 80."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.5"),
        max_value=80,
        max_digits=4,
        decimal_places=1,
    )


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
    weekly_hours = weekly_hours_field("Hours a week you can study")
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

    hours = weekly_hours_field("Your hours a week")

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


# -- Team plans and stacks (issue #23) ------------------------------------------------------


class TeamPlanForm(forms.Form):
    """The team plan's settings: an optional budget, a deadline and each person's weekly hours."""

    budget = forms.DecimalField(
        label="Total budget (USD)",
        required=False,
        min_value=0,
        max_value=100_000_000,
        max_digits=11,
        decimal_places=2,
    )
    weeks = forms.IntegerField(
        label="Deadline (weeks from now)", required=False, min_value=1, max_value=520
    )
    hours = weekly_hours_field("Hours a week each person can study")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", auto_id="plan-%s", **kwargs)

    def settings(self) -> dict:
        """The valid settings; an invalid one counts as not given (its error is shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in ("budget", "weeks", "hours")}


class TeamRowForm(forms.Form):
    """One row of a team plan: a role, how many people, and the program chosen for them.

    Rows are the repeated `role`, `people` and `program` parameters, in order, so a plan's
    address stays short and a browser's GET form sends them without JavaScript."""

    role = forms.ChoiceField(
        label="Role",
        required=False,
        error_messages={"invalid_choice": "Choose a role from the list."},
    )
    people = forms.IntegerField(
        label="People",
        required=False,
        min_value=1,
        max_value=10_000,
        error_messages={
            "min_value": "At least 1 person.",
            "max_value": "At most 10,000 people in one row.",
            "invalid": "Give a whole number of people, such as 3.",
        },
    )
    program = forms.ChoiceField(
        label="Program",
        required=False,
        error_messages={"invalid_choice": "Choose a program from the list."},
    )

    def __init__(self, *args, index: int, roles: list[Role], options=None, **kwargs):
        """`options`: each role's programs the sources name (`plans.options_for`), keyed by
        the role's id; the program menu offers those of this row's role."""
        super().__init__(*args, label_suffix="", auto_id=f"row{index}-%s", **kwargs)
        self.index = index
        self.roles = {role.slug: role for role in roles}
        self.fields["role"].choices = [("", "Choose a role")] + [(r.slug, r.name) for r in roles]
        asked = self.roles.get(self.data.get("role") or "") if self.is_bound else None
        self.options = (options or {}).get(asked.pk, []) if asked else []
        self.fields["program"].choices = [("", "The strongest the sources name")] + [
            (option.ref, option.label) for option in self.options
        ]
        if asked is not None:
            self.fields["program"].error_messages["invalid_choice"] = (
                f"The sources do not name this for {asked.name.lower()}: choose one they name."
            )

    @property
    def is_blank(self) -> bool:
        return not any(self.data.get(name) for name in ("role", "people", "program"))

    def clean(self):
        data = super().clean()
        if self.is_blank:
            return data
        if not data.get("role") and "role" not in self.errors:
            self.add_error("role", "Choose the role of these people.")
        if data.get("people") is None and "people" not in self.errors:
            self.add_error("people", "Give the number of people in this role.")
        return data

    def asked_role(self) -> Role | None:
        return self.roles.get(self.cleaned_data.get("role") or "") if self.is_valid() else None
