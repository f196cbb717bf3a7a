import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from programs import display

register = template.Library()


@register.filter
def or_unknown(value):
    """The value, or a visible 'Not published' when the sources do not give it."""
    if value is None or value == "":
        return format_html('<span class="unknown">{}</span>', display.NOT_PUBLISHED)
    return value


@register.filter
def total_cost(program):
    return display.total_cost(program)


@register.filter
def cme_credit(program):
    """The CME answer as every page words it: 'Yes — amount, type and accreditor not published'
    (issue #24), not a bare 'Yes'."""
    return display.cme_credit(program)


@register.filter
def promoted_by(program, sources):
    """The catalogue's sources that promote this program (from the footer facts, no query):
    a card says so, since their words on it are the promoter's (issue #21)."""
    return [
        source.get("short_name") or source["title"]
        for source in sources or ()
        if source.get("promotes") and source.get("promotes") == program.provider.short_name
    ]


@register.filter
def cost_parts(program):
    """A derived total's parts, for a card: '3 courses × about $1,600' (issue #20)."""
    return display.cost_parts(program)


@register.filter
def next_cohort(program):
    """The soonest cohort that has not started (today's date): never a past start."""
    return program.next_cohort()


@register.filter
def open_cohort(program):
    """The cohort open for enrolment today that closes first, or None."""
    return program.open_cohort()


@register.filter
def day(value):
    return display.day(value)


@register.filter
def duration(program):
    return display.duration(program)


@register.filter
def weekly_hours(program):
    return display.weekly_hours(program)


@register.filter
def total_hours(program):
    return display.total_hours(program)


@register.filter
def choice(program, attr):
    return display.choice(program, attr)


@register.filter
def yes_no(value):
    return display.yes_no(value)


@register.filter
def field_label(form, name):
    """A form field's label by name, for error summaries."""
    field = form.fields.get(name)
    return field.label if field is not None else name


@register.filter
def selected_any(options):
    return any(option.selected for option in options)


class _HeadingNode(template.Node):
    def __init__(self, level, css_class, nodelist):
        self.level, self.css_class, self.nodelist = level, css_class, nodelist

    def render(self, context):
        try:
            level = min(max(int(self.level.resolve(context)), 2), 6)
        except (TypeError, ValueError):
            level = 3
        return format_html(
            '<h{} class="{}">{}</h{}>',
            level,
            self.css_class.resolve(context),
            self.nodelist.render(context),
            level,
        )


@register.tag
def heading(parser, token):
    """{% heading level "css-class" %}…{% endheading %}: a heading whose level the caller picks."""
    _, level, css_class = token.split_contents()
    nodelist = parser.parse(("endheading",))
    parser.delete_first_token()
    return _HeadingNode(parser.compile_filter(level), parser.compile_filter(css_class), nodelist)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def module_details(fit):
    """The length and price of the one module a role fit recommends."""
    return display.module_details(fit.module, fit.program) if fit.module else None


_JSON_LD_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def json_ld(data):
    """Structured data as JSON for a <script type="application/ld+json"> block. <, > and & are
    written as JSON escapes, so no text in the data (a "</script>" in a summary) can end the
    element early; JSON readers decode them back to the same characters."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_JSON_LD_ESCAPES))
