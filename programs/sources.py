"""The sources page's reading of each document: which programs cite it and for which facts."""

from django.db.models import Count, F, Q, Window
from django.db.models.functions import DenseRank

from programs.facts import standing_words
from programs.models import Citation, Document

SOURCE_PROGRAMS_SHOWN = 50
"""The sources page names this many programs citing each document, then says how many more."""


def with_citing_programs(documents: list[Document]) -> list[Document]:
    """Each document with `citing`, the first SOURCE_PROGRAMS_SHOWN programs by name that cite
    it, each with `cited` (its citations of the document, each with `standing_text`), and
    `more_programs`, how many are not named. One query at any catalogue size."""
    by_pk = {doc.pk: doc for doc in documents}
    for doc in documents:
        doc.citing = []
    citations = (
        Citation.objects.filter(document_id__in=list(by_pk), program__status="published")
        .annotate(
            program_rank=Window(
                DenseRank(),
                partition_by=F("document_id"),
                order_by=[F("program__name").asc(), F("program_id").asc()],
            )
        )
        .filter(program_rank__lte=SOURCE_PROGRAMS_SHOWN)
        .select_related("program__provider")
        .only(
            *("field", "standing", "quote", "document_id", "program__name", "program__slug"),
            "program__provider__short_name",
            "program__provider__name",
        )
        .order_by("document_id", "program__name", "program_id", "pk")
    )
    for citation in citations:
        doc = by_pk[citation.document_id]
        citation.document = doc  # loaded above, without its full text
        if not doc.citing or doc.citing[-1].pk != citation.program_id:
            citation.program.cited = []
            doc.citing.append(citation.program)
        program = doc.citing[-1]
        citation.standing_text = standing_words(citation, program)
        program.cited.append(citation)
    for doc in documents:
        doc.more_programs = doc.program_count - len(doc.citing)
    return documents


def documents() -> list[Document]:
    """Every source document in the order they were added, without its full text, each with
    `program_count` and the programs citing it (`with_citing_programs`): two queries."""
    return with_citing_programs(
        list(
            Document.objects.order_by("pk")
            .defer("text")
            .annotate(
                program_count=Count(
                    "citations__program",
                    distinct=True,
                    filter=Q(citations__program__status="published"),
                )
            )
        )
    )
