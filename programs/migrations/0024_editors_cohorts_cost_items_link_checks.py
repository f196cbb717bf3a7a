"""The Editors group keeps every catalogue model (0011, 0019): the cohorts and cost items of
issue #24 too, and it reads the link checks (which only `manage.py check_links` writes)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED = ("cohort", "costitem")
READ = ("linkcheck",)


def editors_edit_cohorts_and_cost_items(apps, schema_editor):
    app_config = apps.get_app_config("programs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Editors").first()
    if group is None:
        return
    programs = Permission.objects.filter(content_type__app_label="programs")
    group.permissions.add(
        *programs.filter(content_type__model__in=EDITED),
        *programs.filter(content_type__model__in=READ, codename__startswith="view_"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0023_citation_fields_of_issue_24"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(editors_edit_cohorts_and_cost_items, migrations.RunPython.noop),
    ]
