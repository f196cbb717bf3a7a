from django.db import migrations

OLD = "AI in Healthcare Certification"
NEW = "AI in healthcare certification (title not published)"


def describe_not_name(apps, schema_editor):
    """The sources give no title for IABAC's program: the 2026 guide writes "IABAC's AI in
    healthcare certification" as a description (it names only IABAC's "Artificial Intelligence
    Certification Programs"). As for ABAIM's, the title says so (issue #21)."""
    for name in ("Program", "HistoricalProgram"):
        model = apps.get_model("programs", name)
        model.objects.filter(name=OLD, slug="iabac-ai-in-healthcare").update(name=NEW)


def restore(apps, schema_editor):
    for name in ("Program", "HistoricalProgram"):
        model = apps.get_model("programs", name)
        model.objects.filter(name=NEW, slug="iabac-ai-in-healthcare").update(name=OLD)


class Migration(migrations.Migration):
    dependencies = [("programs", "0017_sentence_referents")]

    operations = [migrations.RunPython(describe_not_name, restore)]
