"""Query-string forms of the catalogue's own pages."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from programs import reports, text
from programs.models import Program, ReaderReport


class ChangesForm(forms.Form):
    """/changes/?program=<slug>&since=<date>: the change log of one program, from a date."""

    program = forms.SlugField(required=False, label="Program")
    since = forms.DateField(required=False, label="Since", help_text="e.g. 2026-11-01")

    def clean_program(self) -> Program | None:
        slug = self.cleaned_data["program"]
        if not slug:
            return None
        program = Program.objects.published().filter(slug=slug).first()
        if program is None:
            raise forms.ValidationError("No program in the catalogue has that address.")
        return program


def _safe_text(field: forms.CharField) -> forms.CharField:
    """Refuse what `programs.text` refuses, NUL included, naming the character and its place
    (Django's own NUL message names neither): as admin's text boxes do (SafeTextBoxes)."""
    field.validators = [
        *(v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)),
        text.SafeTextValidator(),
    ]
    return field


class ReportTargetForm(forms.Form):
    """/report/?program=<slug>&fact=<key>: the fact a reader reports, from the link beside it."""

    program = forms.SlugField(max_length=200)
    fact = forms.ChoiceField(choices=[(key, key) for key in reports.FACT_KEYS])


class ReaderReportForm(forms.ModelForm):
    """What a reader says is wrong. `website` is a honeypot: hidden from people, filled by bots."""

    website = forms.CharField(
        required=False,
        label="Leave this box empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = ReaderReport
        fields = ["problem", "evidence", "email"]
        labels = {
            "problem": "What is wrong",
            "evidence": "The source sentence or address that shows it (optional)",
            "email": "Your e-mail (optional)",
        }
        help_texts = {
            "problem": f"Plain text, up to {ReaderReport.PROBLEM_MAX:,} characters.",
            "evidence": "Quote the sentence, or give the page's address. "
            f"Up to {ReaderReport.EVIDENCE_MAX:,} characters.",
            "email": "Only if you would like an editor to be able to ask you about it. We send "
            "no mail automatically and never share it.",
        }
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 5, "cols": 60}),
            "evidence": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("problem", "evidence", "email"):
            _safe_text(self.fields[name])
        self.fields["problem"].required = True

    @property
    def is_a_bot(self) -> bool:
        """The honeypot was filled in: answer as if stored, store nothing."""
        return bool(self.data.get("website"))


class ThanksForm(forms.Form):
    """/report/thanks/?ref=<signed number>: the thanks page after a report is filed."""

    ref = forms.CharField(max_length=200)

    def clean_ref(self) -> int:
        number = reports.report_from_token(self.cleaned_data["ref"])
        if number is None:
            raise forms.ValidationError("That is not a report reference from this site.")
        return number
