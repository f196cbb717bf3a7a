"""The Atom feed of recent changes to the catalogue's facts (issue #8).

Whatever is stored, the feeds are well-formed and run nothing in a feed reader (issue #22):
every string goes through `output_safety.xml_text`, and a summary, which Atom1Feed always
writes as `type="html"`, is the change's text HTML-escaped, so markup arrives as text. Titles
are Atom's plain text already.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from programs import history
from programs.models import Program
from programs.output_safety import xml_text

FEED_LENGTH = 50


def _xml_safe(value):
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(item) for item in value)
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom 1.0 holding only characters XML 1.0 allows: Django's writer refuses a control
    character with an exception, which made the whole feed a 500 (issue #22)."""

    def write(self, outfile, encoding):
        self.feed = {key: _xml_safe(value) for key, value in self.feed.items()}
        self.items = [{key: _xml_safe(value) for key, value in item.items()} for item in self.items]
        super().write(outfile, encoding)


class RecentChangesFeed(Feed):
    feed_type = XmlSafeAtom1Feed
    title = "certcatalog: what changed in the catalogue"
    subtitle = (
        "Changes to the facts of AI-in-healthcare certification programs: "
        "the date, the fact, and its old and new value."
    )

    def link(self):
        return reverse("programs:changes")

    def items(self):
        return history.public_changes(history.program_change_records()[:FEED_LENGTH])

    def item_title(self, entry: history.ChangeEntry) -> str:
        return entry.summary

    def item_description(self, entry: history.ChangeEntry) -> str:
        """The change as text, escaped for Atom's `type="html"` summary."""
        if not entry.changes:
            return escape(entry.summary + ".")
        return escape("; ".join(f"{c.label}: {c.old} → {c.new}" for c in entry.changes))

    def item_link(self, entry: history.ChangeEntry) -> str:
        return reverse("programs:change", args=[entry.history_id])

    def item_guid(self, entry: history.ChangeEntry) -> str:
        return f"certcatalog-change-{entry.history_id}"

    def item_pubdate(self, entry: history.ChangeEntry):
        return entry.when

    def item_updateddate(self, entry: history.ChangeEntry):
        return entry.when


class ProgramChangesFeed(RecentChangesFeed):
    """/programs/<slug>/changes.atom: one published program's changes."""

    def get_object(self, request, slug):
        return get_object_or_404(Program.objects.published(), slug=slug)

    def title(self, program):
        return f"certcatalog: what changed in {program.provider.short_name} {program.name}"

    def link(self, program):
        return f"{reverse('programs:changes')}?program={program.slug}"

    def items(self, program):
        return history.public_changes(history.program_change_records(program.pk)[:FEED_LENGTH])
