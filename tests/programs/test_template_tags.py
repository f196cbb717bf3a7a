"""The catalogue's own template tags, as templates use them: a heading whose level the caller
picks (kept between h2 and h6) and `capture`, which refuses a malformed tag at load time."""

import pytest
from django.template import Context, Template, TemplateSyntaxError


def _render(source: str, **context) -> str:
    return Template("{% load catalog discovery %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("level", "tag"),
    [(4, "h4"), ("2", "h2"), (1, "h2"), (9, "h6"), ("", "h3"), (None, "h3"), ("top", "h3")],
)
def test_a_heading_takes_the_callers_level_within_h2_to_h6_else_h3(level, tag):
    html = _render(
        '{% heading level "card__title" %}{{ text }}{% endheading %}', level=level, text="A & B"
    )
    assert html == f'<{tag} class="card__title">A &amp; B</{tag}>'


@pytest.mark.parametrize(
    "source", ["{% capture %}x{% endcapture %}", "{% capture into name %}x{% endcapture %}"]
)
def test_a_malformed_capture_tag_says_how_to_write_it(source):
    with pytest.raises(TemplateSyntaxError, match=r"Use \{% capture as name %\}"):
        _render(source)


def test_capture_renders_once_and_collapses_whitespace():
    html = _render(
        "{% capture as title %}  A\n   <b>{{ x }}</b> {% endcapture %}[{{ title }}]", x="<"
    )
    assert html == "[A <b>&lt;</b>]"
