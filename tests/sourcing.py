"""Edits that stay supported (issue #20): a new value comes with the new sentence that gives it,
cited as an editor would cite it, and the citations that gave the old value marked superseded."""

import itertools
from datetime import date

from programs import support
from programs.models import Citation, Document, Program

_pages = itertools.count(1)


def new_page(sentence: str) -> Document:
    """A provider's page holding the sentence, as an editor would add it before citing it."""
    return Document.objects.create(
        title=f"Provider's page, checked 2 December 2026 ({next(_pages)})",
        cite_as="the provider's page",
        published_on=date(2026, 12, 2),
        text=sentence,
    )


def cite_in_form(
    program: Program, fields: str | tuple[str, ...], sentence: str, *, supersede: bool = True
) -> dict:
    """POST changes adding citations of a new page's sentence, one per field, to the program's
    change form (as its inline renders: the next rows, with the program's id), superseding the
    fields' other citations."""
    fields = (fields,) if isinstance(fields, str) else fields
    document = new_page(sentence)
    existing = list(Citation.objects.filter(program=program))
    changes = {
        "citations-TOTAL_FORMS": str(len(existing) + len(fields)),
        "change_reason": f"{document.title} gives the new figure",
    }
    for row, field in enumerate(fields, start=len(existing)):
        changes |= {
            f"citations-{row}-id": "",
            f"citations-{row}-program": str(program.pk),
            f"citations-{row}-field": field,
            f"citations-{row}-document": str(document.pk),
            f"citations-{row}-standing": Citation.Standing.STATED,
            f"citations-{row}-quote": sentence,
        }
    if supersede:
        for number, citation in enumerate(existing):
            if citation.field in fields:
                changes[f"citations-{number}-superseded"] = "on"
    return changes


def reprice(program: Program, amount, sentence: str | None = None) -> Program:
    """Change a program's price through the model layer, with a new page's sentence for it."""
    sentence = sentence or f"The program costs ${amount:,}."
    document = new_page(sentence)
    with support.deferred():
        program.citations.filter(field="price").update(superseded=True)
        Citation.objects.create(program=program, field="price", document=document, quote=sentence)
        program.price_amount = amount
        program.save()
    return program


def cite_in_sheet(sheet, slug: str, fields: str | tuple[str, ...], sentence: str) -> None:
    """In an exported sheet, cite a new page's sentence for the fields of one program's row,
    in place of the citations the row had for them (the file lists citations as they end)."""
    fields = (fields,) if isinstance(fields, str) else fields
    document = new_page(sentence)
    items = [item for item in sheet.items(slug, "citations") if item["field"] not in fields]
    items += [
        {
            "field": field,
            "standing": "stated",
            "document": document.title,
            "quote": sentence,
            "referent": None,
            "superseded": False,
        }
        for field in fields
    ]
    sheet.set_items(slug, "citations", items)
