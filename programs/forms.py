"""Query-string forms of the catalogue's own pages."""

from django import forms

from programs.models import Program


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
