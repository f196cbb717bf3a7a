"""The catalogue search (issue #21): a program is found by its own words and by what the
sources say of it — its cited sentences, its role fits' sentences and role names, its topics,
modules and provider — with English stemming on every database.

Two stored columns per program, kept here:

- `search_text`: the words of its parts (everything above but its own columns), refreshed
  whenever a part is written (`touched`, from the model signals);
- `search_stems`: every word of the program, own columns and parts, as Snowball English stems
  (" recertif board nurs "), which SQLite searches word by word.

On PostgreSQL the stored, GIN-indexed `search_document` (a generated tsvector over the own
columns and `search_text`) answers instead, with PostgreSQL's own English stemming (the same
Snowball algorithm).
"""

import contextvars
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import snowballstemmer
from django.db import connection
from django.db.models import Prefetch, Q

_STEMMERS = threading.local()
"""One Snowball stemmer per thread: a stemmer keeps the word it is working on in itself, so two
gunicorn threads sharing one corrupt each other's word (an IndexError, seen as a 500 under
`make faults`)."""
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
OWN_FIELDS = ("name", "summary", "best_for")
"""The program's own columns searched (the generated search document holds them too)."""


def words(text: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(text or "")]


def _stemmer():
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer


def stems(text: str) -> list[str]:
    return _stemmer().stemWords(words(text))


def _stem_column(texts: Iterable[str]) -> str:
    """Stems as stored: space-separated with a space at each end, so ' nurs ' finds that stem
    and nothing inside another word."""
    found = " ".join(stem for text in texts for stem in stems(text))
    return f" {found} " if found else ""


def parts_text(program) -> str:
    """The words of a program's parts (loaded with `PARTS`): provider, topics, modules, current
    cited sentences, role fits' sentences and their roles."""
    texts = [program.provider.name, program.provider.short_name]
    texts += [topic.name for topic in program.topics.all()]
    texts += [module.title for module in program.modules.all()]
    texts += [c.quote for c in program.citations.all() if not c.superseded]
    for fit in program.role_fits.all():
        texts += [fit.rationale, fit.role.name]
    return "\n".join(dict.fromkeys(t for t in texts if t))


PARTS = ("topics", "modules", "citations", "role_fits__role")


def own_text(program) -> str:
    return "\n".join(getattr(program, name) or "" for name in OWN_FIELDS)


def stems_of(program) -> str:
    return _stem_column([own_text(program), program.search_text or ""])


def refresh(program_ids: Iterable[int], *, model=None) -> None:
    """Recompute the stored search columns of these programs from their parts."""
    if model is None:
        from programs.models import Program as model
    ids = sorted(set(program_ids))
    if not ids:
        return
    programs = list(
        model.objects.filter(pk__in=ids).select_related("provider").prefetch_related(*PARTS)
    )
    for program in programs:
        program.search_text = parts_text(program)
        program.search_stems = stems_of(program)
    model.objects.bulk_update(programs, ["search_text", "search_stems"], batch_size=500)


_pending: contextvars.ContextVar[set[int] | None] = contextvars.ContextVar(
    "search_pending", default=None
)


@contextmanager
def batch() -> Iterator[None]:
    """Refresh each program touched inside the block once, at its end."""
    if _pending.get() is not None:
        yield
        return
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    except BaseException:
        _pending.reset(token)
        raise
    _pending.reset(token)
    refresh(pending)


def touched(program_id: int | None) -> None:
    """A part of this program was written: its search columns follow (now, or at the end of
    the open `batch()`)."""
    if program_id is None:
        return
    pending = _pending.get()
    if pending is not None:
        pending.add(program_id)
    else:
        refresh([program_id])


# Queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """What a reader typed, read as web search does: words all wanted, `-word` unwanted,
    quotes and operators as plain separators."""

    wanted: tuple[str, ...]
    unwanted: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "Query":
        wanted, unwanted = [], []
        for token in (text or "").split():
            target = unwanted if token.startswith("-") and len(token) > 1 else wanted
            target.extend(stems(token))
        return cls(tuple(dict.fromkeys(wanted)), tuple(dict.fromkeys(unwanted)))

    def condition(self) -> Q:
        """The stemmed match on the stored stems (SQLite and any database without a text
        search type): each wanted stem is a word's stem, no unwanted one is, as PostgreSQL's
        tsquery matches (part of a word is found by the substring match beside it)."""
        condition = Q()
        for stem in self.wanted:
            condition &= Q(search_stems__contains=f" {stem} ")
        for stem in self.unwanted:
            condition &= ~Q(search_stems__contains=f" {stem} ")
        return condition if self.wanted else Q(pk__in=[])

    def score(self, text: str) -> int:
        """How many of the wanted words the text holds; 0 when it holds an unwanted one."""
        found = set(stems(text))
        if found & set(self.unwanted):
            return 0
        return sum(1 for w in self.wanted if w in found)


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Hit:
    """A source sentence that matches the reader's words, with where it comes from."""

    sentence: str
    document: object
    about: str


def hit_prefetch() -> tuple[Prefetch, ...]:
    """What `matching_sentences` reads, for a page of results: two queries."""
    from programs.models import Citation, RoleFit

    return (
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("document").defer("document__text"),
        ),
        Prefetch(
            "role_fits",
            queryset=RoleFit.objects.select_related("role", "source").defer("source__text"),
        ),
    )


def matching_sentences(program, text: str, *, limit: int = 2) -> list[Hit]:
    """The cited and role-fit sentences of a program (prefetched) holding the reader's words,
    to show beside the result: why it was found, in the source's words."""
    query = Query.parse(text)
    if not query.wanted:
        return []
    candidates = [
        (c.quote, c.document, c.get_field_display())
        for c in program.citations.all()
        if not c.superseded
    ]
    candidates += [
        (f.rationale, f.source, f"Why it fits {f.role.name.lower()}")
        for f in program.role_fits.all()
    ]
    scored: dict[str, tuple[int, Hit]] = {}
    for sentence, document, about in candidates:
        score = query.score(sentence)
        if score and sentence not in scored:
            scored[sentence] = (score, Hit(sentence, document, about))
    # The sentences holding the most of the reader's words, in the page's order.
    best = sorted(scored.values(), key=lambda pair: -pair[0])
    return [hit for _, hit in best[:limit]]
