"""Post a form back the way a browser would, from the HTML the page rendered.

The admin tests used to build POST data from form objects and skip empty fields; browsers send
every field, empty ones as "". This parser reads the rendered <form> and returns exactly what a
browser submits: text inputs and textareas (empty included), checked boxes only, selected
options (the first one when none is marked), no disabled controls, and the one submit button
pressed.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None
        self.action: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
            self.action = attrs.get("action")
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = {"name": name, "text": ""}
        elif tag == "select" and name:
            self.select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {
                "value": attrs.get("value"),
                "selected": "selected" in attrs,
                "text": "",
            }
            self.select["options"].append(self.option)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["text"] += data
        elif self.option is not None:
            self.option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            # Browsers drop the one newline that follows <textarea>.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self.fields.append((self.textarea["name"], text))
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self.select["multiple"] and options:
                chosen = [options[0]]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self.fields.append((self.select["name"], value.strip()))
            self.select = None


def form_fields(html: str, form_id: str) -> list[tuple[str, str]]:
    """Every (name, value) pair a browser would submit for the form with this id."""
    parser = _FormParser(form_id)
    parser.feed(html)
    if not parser.fields:
        raise AssertionError(f"No form with id {form_id!r} (or an empty one) in the page.")
    return parser.fields


def as_post_data(
    fields: list[tuple[str, str]], changes: dict | None = None
) -> dict[str, list[str]]:
    """Fields as a dict of lists (what the test client posts), with some values replaced."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def browser_post(
    client, url: str, form_id: str, changes: dict | None = None, *, submit=("_save", "Save")
):
    """GET the page, post its form back as rendered (with `changes`), return the response."""
    page = client.get(url)
    assert page.status_code == 200, f"{url} answered {page.status_code}"
    data = as_post_data(form_fields(page.content.decode(), form_id), changes)
    if submit:
        data[submit[0]] = [submit[1]]
    return client.post(url, data)
