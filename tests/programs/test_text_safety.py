"""Text no page can be broken by (issue #22, item 5): control and bidirectional characters are
refused in every text box of every admin change form and inline, beside the box, and nothing is
saved; tab and line breaks are kept. The rule itself is programs/text.py."""

import re
from html import unescape
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse

from programs import history, text
from programs.models import (
    CatalogueModel,
    Document,
    Program,
    Provider,
    Role,
    SupportWord,
    Topic,
)
from tests.forms import as_post_data, form_fields
from tests.seed import HARVARD, JHU

pytestmark = pytest.mark.django_db

REFUSED = {
    "\x00": "a null character (U+0000)",
    "\x0b": "a control character (U+000B)",
    "\x1b": "a control character (U+001B)",
    "\x7f": "a control character (U+007F)",
    "\x85": "a control character (U+0085)",
    "\x9f": "a control character (U+009F)",
    "\u061c": "a bidirectional-text control (ARABIC LETTER MARK, U+061C)",
    "\u200e": "a bidirectional-text control (LEFT-TO-RIGHT MARK, U+200E)",
    "\u200f": "a bidirectional-text control (RIGHT-TO-LEFT MARK, U+200F)",
    "\u202a": "a bidirectional-text control (LEFT-TO-RIGHT EMBEDDING, U+202A)",
    "\u202b": "a bidirectional-text control (RIGHT-TO-LEFT EMBEDDING, U+202B)",
    "\u202c": "a bidirectional-text control (POP DIRECTIONAL FORMATTING, U+202C)",
    "\u202d": "a bidirectional-text control (LEFT-TO-RIGHT OVERRIDE, U+202D)",
    "\u202e": "a bidirectional-text control (RIGHT-TO-LEFT OVERRIDE, U+202E)",
    "\u2066": "a bidirectional-text control (LEFT-TO-RIGHT ISOLATE, U+2066)",
    "\u2067": "a bidirectional-text control (RIGHT-TO-LEFT ISOLATE, U+2067)",
    "\u2068": "a bidirectional-text control (FIRST STRONG ISOLATE, U+2068)",
    "\u2069": "a bidirectional-text control (POP DIRECTIONAL ISOLATE, U+2069)",
}
"""Each refused character, as the message beside a box names it: C0 controls (NUL and others),
DEL and C1 controls, and every bidirectional formatting character."""

CHAR_IDS = [f"U+{ord(char):04X}" for char in REFUSED]

FORM_ONLY_TEXT = {"change_reason": None, "pick": None}
"""Text boxes of admin forms that are no model field's: the change reason (shown in the public
change log) and the citation's sentence picker."""


def message(char: str) -> str:
    """What the box says, up to the position (a URL box counts the http:// it adds)."""
    return f"This text contains {REFUSED[char]} at position "


def _support_word() -> SupportWord:
    return SupportWord.objects.create(field="format", value="self_paced", word="own speed")


CHANGE_FORMS = {
    "program": lambda: Program.objects.get(slug=HARVARD),
    "provider": lambda: Provider.objects.order_by("pk").first(),
    "role": lambda: Role.objects.filter(description__isnull=False).order_by("pk").first(),
    "topic": lambda: Topic.objects.order_by("pk").first(),
    "document": lambda: Document.objects.order_by("pk").first(),
    "citation": lambda: Program.objects.get(slug=JHU).citations.order_by("pk").first(),
    "rolefit": lambda: Program.objects.get(slug=HARVARD).role_fits.order_by("pk").first(),
    "module": lambda: Program.objects.get(slug=HARVARD).modules.order_by("pk").first(),
    "supportword": _support_word,
}
"""Every model editors change in admin, by its change form: a seeded row (Harvard's program,
which has modules, role fits and citations, for the program's inlines)."""


def database() -> dict:
    """Every catalogue row and every history record."""
    models = [*history.CATALOGUE_MODELS, SupportWord]
    models += [model.history.model for model in models]
    return {
        m._meta.label: [model_to_dict(o) for o in m._base_manager.order_by("pk")] for m in models
    }


def text_boxes(obj, html: str, fields: list[tuple[str, str]]) -> dict[str, str]:
    """The rendered form's text boxes (inputs and text areas, not menus) that hold a model's
    text (the main form's and each inline row's) or a form-only text, by name, with their
    values as rendered."""
    soup = BeautifulSoup(html, "html.parser")
    typed = {
        box["name"]
        for box in soup.select("input[name], textarea[name]")
        if box.name == "textarea" or box.get("type", "text") in ("text", "url", "email")
    }
    inlines = {
        rel.get_accessor_name(): rel.related_model
        for rel in type(obj)._meta.related_objects
        if issubclass(rel.related_model, CatalogueModel)
    }
    boxes = {}
    for name, value in fields:
        if name not in typed:
            continue
        prefix, _, field_name = name.rpartition("-")
        model = inlines.get(prefix.rsplit("-", 1)[0]) if prefix else type(obj)
        if model is None or "__prefix__" in prefix:
            continue
        if field_name in FORM_ONLY_TEXT:
            boxes[name] = value
            continue
        try:
            field = model._meta.get_field(field_name)
        except Exception:  # a management field, a delete box, an id
            continue
        if text.is_text_field(field) and not field.choices and field.editable:
            boxes[name] = value
    return boxes


def _with_char(value: str, char: str, max_length: int | None) -> str:
    """The value with `char` as its second character (kept within the field's length)."""
    value = value or "ab"
    keep = 2 if max_length is not None and len(value) >= max_length else 1
    return value[0] + char + value[keep:]


def _max_length(obj, name: str) -> int | None:
    field_name = name.rpartition("-")[2]
    if field_name == "change_reason":
        return 100
    for model in [type(obj), *(r.related_model for r in type(obj)._meta.related_objects)]:
        try:
            return model._meta.get_field(field_name).max_length
        except Exception:
            continue
    return None


def errors_beside(html: str, name: str) -> list[str]:
    """The errors rendered beside the box named `name`: the error list its aria-describedby
    names, which admin puts next to the box. (Regular expressions: parsing a 400 KB change
    page once per box would take seconds.)"""
    box = re.search(rf'<(?:input|textarea)[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert box is not None, name
    listed = re.search(rf'<ul class="errorlist" id="id_{re.escape(name)}_error">(.*?)</ul>', html)
    if listed is None:
        return []
    assert re.search(rf'aria-describedby="[^"]*\bid_{re.escape(name)}_error\b', box.group()), name
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)]


_RENDERED: dict[tuple[str, int], tuple[list, dict]] = {}
"""Each change form as rendered, by form and row: the seed is the same in every test here, and
the program's change page takes over a second to render."""


def rendered(client, form: str, obj) -> tuple[list, dict]:
    key = (form, obj.pk)
    if key not in _RENDERED:
        url = reverse(f"admin:programs_{obj._meta.model_name}_change", args=[obj.pk])
        html = client.get(url).content.decode()
        fields = form_fields(html, f"{obj._meta.model_name}_form")
        _RENDERED[key] = (fields, text_boxes(obj, html, fields))
    return _RENDERED[key]


@pytest.mark.parametrize("char", REFUSED, ids=CHAR_IDS)
@pytest.mark.parametrize("form", CHANGE_FORMS)
def test_every_text_box_refuses_the_character_beside_it_and_saves_nothing(
    staff_client, catalog, form, char
):
    obj = CHANGE_FORMS[form]()
    url = reverse(f"admin:programs_{obj._meta.model_name}_change", args=[obj.pk])
    fields, boxes = rendered(staff_client, form, obj)
    assert len(boxes) >= 1, f"no text box found on the {form} form"
    before = database()
    changes = {
        name: _with_char(value, char, _max_length(obj, name)) for name, value in boxes.items()
    }

    response = staff_client.post(url, {**as_post_data(fields, changes), "_save": "Save"})

    assert response.status_code == 200
    html = response.content.decode()
    missing = {name: errors_beside(html, name) for name in boxes}
    missing = {
        name: errors
        for name, errors in missing.items()
        if not any(error.startswith(message(char)) for error in errors)
    }
    assert not missing, f"no “{message(char)}” beside: {missing}"
    assert database() == before


def test_the_program_form_has_a_box_for_each_of_its_parts_text(staff_client, catalog):
    """The premise of the test above: every text field of the program and its inlines is
    posted (so a text box added later is covered without listing it here)."""
    obj = Program.objects.get(slug=HARVARD)
    url = reverse("admin:programs_program_change", args=[obj.pk])
    html = staff_client.get(url).content.decode()
    boxes = text_boxes(obj, html, form_fields(html, "program_form"))
    names = {name.split("-")[0] + "." + name.rpartition("-")[2] for name in boxes}
    assert {
        "name.name",
        "summary.summary",
        "url.url",
        "source_note.source_note",
        "change_reason.change_reason",
        "modules.title",
        "role_fits.grade",
        "role_fits.condition",
        "role_fits.rationale",
        "role_fits.referent",
        "citations.quote",
        "citations.referent",
        "citations.pick",
    } <= names


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in ("programs", "compare")],
    ids=lambda m: m.__name__,
)
def test_every_text_field_of_every_edited_model_refuses_by_model_validation(model):
    """Import, and any write that validates, go through the models: every string field of every
    model admin edits is checked, a field added later included (CatalogueModel)."""
    assert issubclass(model, CatalogueModel)
    fields = [f for f in model._meta.concrete_fields if text.is_text_field(f)]
    assert fields
    for field in fields:
        obj = model(**{field.attname: "a\u202eb"})
        others = {f.name for f in model._meta.fields if f.name != field.name}
        with pytest.raises(ValidationError) as refused:
            obj.clean_fields(exclude=others)
        assert list(refused.value.message_dict) == [field.name]
        assert (
            "This text contains a bidirectional-text control (RIGHT-TO-LEFT OVERRIDE, U+202E) at "
            "position 2; remove it." in refused.value.message_dict[field.name]
        )


def test_tab_and_line_breaks_are_kept(staff_client, catalog):
    program = Program.objects.get(slug=JHU)
    url = reverse("admin:programs_program_change", args=[program.pk])
    fields = form_fields(staff_client.get(url).content.decode(), "program_form")
    summary = dict(fields)["summary"]
    changed = summary.replace(" ", "\t", 1) + "\r\nA second line."
    data = as_post_data(fields, {"summary": changed, "change_reason": "Tab\tand line breaks"})

    response = staff_client.post(url, {**data, "_save": "Save"})

    assert response.status_code == 302
    program.refresh_from_db()
    assert program.summary == changed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text", None),
        ("tab\tnew\nline\r\nreturn", None),
        ("ab\x0bc", "contains a control character (U+000B) at position 3; remove it."),
        (
            "line one\nline \u202etwo",
            "contains a bidirectional-text control (RIGHT-TO-LEFT OVERRIDE, U+202E) at "
            "position 15 (line 2); remove it.",
        ),
        (
            "\x00\x00\x01",
            "contains a null character (U+0000) at position 1 (and 2 more such characters); "
            "remove it.",
        ),
        ("zero\u200bwidth and é, 漢字, emoji 🙂", None),
    ],
)
def test_the_rule_names_the_first_character_and_its_place(value, expected):
    assert text.problem(value) == expected


def test_a_message_quoting_refused_text_shows_the_code_points():
    assert text.visible("a\x0bb\u202e") == "a⟨U+000B⟩b⟨U+202E⟩"


PUBLIC_FORMS = [
    "/programs/?q=gov{}ernance",
    "/programs/?q={}",
    "/programs/?provider={}",
    "/finder/?role={}",
    "/finder/?role=physicians&max_cost={}",
    "/compare/?programs={}",
    "/compare/?programs=harvard-ai-in-health-care&programs=iabac-ai-in-healthcare&role={}",
    "/compare/?programs=harvard-ai-in-health-care&programs=iabac-ai-in-healthcare&since={}",
    "/changes/?program={}",
]
"""The public GET forms: search, the list's filters, the finder, the comparison, the change log."""


@pytest.mark.parametrize("char", REFUSED, ids=CHAR_IDS)
def test_the_public_forms_never_fail_on_a_refused_character(client, catalog, char):
    """On PostgreSQL a NUL reaching a query would be a DataError: each form either refuses the
    value with a message or searches for it and finds nothing."""
    for url in PUBLIC_FORMS:
        response = client.get(url.format(quote(char)))
        assert response.status_code in (200, 301, 302, 404), url


def test_a_nul_in_the_search_is_ignored_with_a_message_beside_the_search(client, catalog):
    html = client.get("/programs/?q=gov%00ernance").content.decode()
    warning = html[html.index('class="message message--warning"') :]
    warning = warning[: warning.index("</div>")]
    assert '<a href="#id_q">Search</a>: Null characters are not allowed.' in warning
