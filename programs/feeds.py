"""The Atom feed of recent changes to the catalogue's facts (issue #8)."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from programs import history
from programs.models import Program

FEED_LENGTH = 50


class RecentChangesFeed(Feed):
    feed_type = Atom1Feed
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
        if not entry.changes:
            return entry.summary + "."
        return "; ".join(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)

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
