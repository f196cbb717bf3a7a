"""What base.html tells search engines and link previews about a page (issue #13)."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's one absolute address: its path, plus the view's `canonical_query` (the query
    parameters that change what the page shows, in a fixed order) when it gives a non-empty one.
    Empty where there is no request to build it from."""
    request = context.get("request")
    if request is None:
        return ""
    query = context.get("canonical_query") or ""
    return request.build_absolute_uri(f"{request.path}?{query}" if query else request.path)


class _CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # Rendered by the template engine, so already escaped: whitespace is all that changes.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}…{% endcapture %}`: render the contents once into `name`, so a
    block (the page title, its description) is written once and shown in several places."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return _CaptureNode(nodelist, bits[2])
