"""Where a reader goes next (issue #24, item 4): the page the sources point to, in their words.

The sources name pages but give no addresses ("Learn more … through Harvard's digital health
course page."), so a program's "Where to go next" says who names which page, and that it gives
no address; once an editor enters the provider's page (`Program.url`) it links there. Whether the
address worked when last checked (`LinkCheck`) is for editors: the public link stays either way.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from programs import output_safety
from programs.facts import promotes_it, standing_words
from programs.models import Citation, Program


@dataclass(frozen=True)
class NextStep:
    """What the "Where to go next" block says of one program."""

    pointer: str | None
    """'The 2026 guide points to “Harvard's digital health course page”; it gives no address.',
    the page's name in the source's words; None when no source names a page."""
    citations: list[Citation] = field(default_factory=list)
    """The sentences that name the page, shown beneath it."""
    qualifiers: list[str] = field(default_factory=list)
    """Who says so and how sure, beyond the speaker already named."""
    address: str | None = None
    """The provider's page an editor entered, when a link may point to it."""

    @property
    def host(self) -> str | None:
        """The address's host, shown beside the link so a reader sees where it leads."""
        return urlsplit(self.address).hostname if self.address else None


def _speakers(citations: list[Citation], program: Program) -> str:
    """'The 2026 guide', or 'The 2026 guide (which promotes IABAC)' on the program it promotes;
    several documents joined with "and"."""
    names = list(
        dict.fromkeys(
            c.document.speaker if promotes_it(c, program) else c.document.short_name
            for c in citations
        )
    )
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return joined[0].upper() + joined[1:]


def next_step(program: Program) -> NextStep:
    """The block for one program, from its prefetched citations (no query of its own)."""
    address = output_safety.web_address(program.url)
    cited = [
        c
        for c in program.citations.all()
        if c.field == Citation.Field.NAMED_PAGE and not c.superseded
    ]
    name = (program.named_page or "").lower()
    naming = [c for c in cited if name and name in c.quote.lower()]  # as support.TextRule reads it
    if not naming:
        return NextStep(pointer=None, address=address)
    verb = "points" if len({c.document_id for c in naming}) == 1 else "point"
    gives = "it gives" if verb == "points" else "they give"
    referents = list(dict.fromkeys(c.referent for c in naming if c.referent))
    explained = f" ({'; '.join(referents)})" if referents else ""
    qualifiers = []
    for citation in naming:
        words = standing_words(citation, program)
        if words and not words.startswith("says ") and words not in qualifiers:
            qualifiers.append(words)
    return NextStep(
        pointer=(
            f"{_speakers(naming, program)} {verb} to “{program.named_page}”{explained}; "
            f"{gives} no address."
        ),
        citations=naming,
        qualifiers=qualifiers,
        address=address,
    )
