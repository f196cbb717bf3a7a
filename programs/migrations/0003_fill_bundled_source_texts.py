"""Give documents already in a database the full text of their bundled source (issue #8).

Quotes are now checked against Document.text; a database seeded before the field existed
would otherwise refuse every citation edit. A document is matched to a bundled source by
its title appearing in the source's opening lines; unmatched documents keep no text.
"""

from pathlib import Path

from django.db import migrations

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"


def fill_texts(apps, schema_editor):
    Document = apps.get_model("programs", "Document")
    texts = [path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.txt"))]
    for document in Document.objects.filter(text__isnull=True):
        for text in texts:
            if document.title in "\n".join(text.splitlines()[:5]):
                document.text = text.strip()
                document.save(update_fields=["text"])
                break


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_history_document_text_provider_url")]

    operations = [migrations.RunPython(fill_texts, migrations.RunPython.noop)]
