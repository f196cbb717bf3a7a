"""Guards that must hold on every write path, loaddata (raw saves) and queryset deletes included.

Model validation (clean) covers forms and admin; these receivers cover the paths that skip it.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from programs import history
from programs.models import Citation, Module, Program, RoleFit


@receiver(pre_save, sender=Citation)
@receiver(pre_save, sender=RoleFit)
def refuse_quotes_not_in_their_source(sender, instance, **kwargs):
    """No path may store a quote its document does not contain (issue #8)."""
    instance.check_quote()


@receiver(pre_save, sender=Program)
def store_total_weeks_on_load(sender, instance, raw=False, **kwargs):
    """loaddata skips Program.save(): store the total weeks from what is loaded so far."""
    if raw:
        instance.total_weeks_value = instance.total_weeks if instance.pk else None


@receiver(post_save, sender=Module)
@receiver(post_delete, sender=Module)
def recount_courses(sender, instance, raw=False, **kwargs):
    """Keep the course count equal to the modules listed, whichever way modules change.

    loaddata (raw) writes modules one by one: counting mid-load would record 1, 2, 3..., so
    a raw write only refreshes the stored total weeks (without a history record).
    """
    program = Program.objects.filter(pk=instance.program_id).first()
    if program is None:
        return
    if raw:
        Program.objects.filter(pk=program.pk).update(total_weeks_value=program.total_weeks)
        return
    program.sync_with_modules()


@receiver(pre_create_historical_record)
def tag_revision(sender, history_instance, **kwargs):
    """Every record one edit writes carries that edit's revision id."""
    history_instance.revision = history.current_revision()


def _bump_catalogue_version(sender, **kwargs):
    """Any write to the catalogue makes every cached page stale (programs/caching.py)."""
    from programs import caching

    caching.bump()


for _model in history.CATALOGUE_MODELS:
    post_save.connect(_bump_catalogue_version, sender=_model, dispatch_uid=f"bump-{_model}")
    post_delete.connect(_bump_catalogue_version, sender=_model, dispatch_uid=f"bump-del-{_model}")
m2m_changed.connect(
    _bump_catalogue_version, sender=Program.topics.through, dispatch_uid="bump-topics"
)
