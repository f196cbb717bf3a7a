"""Guards that must hold on every write path, loaddata (raw saves) and queryset deletes included.

Model validation (clean) covers forms and admin; these receivers cover the paths that skip it.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from programs import history, search, support
from programs.models import (
    Citation,
    Cohort,
    CostItem,
    Document,
    Module,
    Program,
    Provider,
    Role,
    RoleFit,
    Topic,
)


@receiver(pre_save, sender=Citation)
@receiver(pre_save, sender=Cohort)
@receiver(pre_save, sender=RoleFit)
@receiver(pre_save, sender=Role)
def refuse_quotes_not_in_their_source(sender, instance, **kwargs):
    """No path may store a quote its document does not contain (issue #8)."""
    instance.check_quote()


@receiver(pre_save, sender=Document)
def refuse_texts_that_drop_cited_sentences(sender, instance, raw=False, **kwargs):
    """A document edit can never orphan a citation or a role fit's rationale (issue #20)."""
    if not raw:
        instance.check_still_quoted()


@receiver(post_save, sender=Program)
@receiver(post_save, sender=Module)
@receiver(post_save, sender=Citation)
@receiver(post_save, sender=CostItem)
@receiver(post_delete, sender=Module)
@receiver(post_delete, sender=Citation)
@receiver(post_delete, sender=CostItem)
def check_support(sender, instance, raw=False, **kwargs):
    """A published program stays supported by its citations on every write (issue #20)."""
    if not raw:
        support.touched(instance.pk if sender is Program else instance.program_id)


@receiver(m2m_changed, sender=Program.topics.through)
def check_topic_support(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    """Topic edits by admin, import and revert are checked with the rest of their write.

    loaddata sets topics before it loads the citations and says nothing of it (m2m_changed has
    no `raw`), so a topic change outside those blocks is not checked on its own."""
    if action.startswith("post_") and support.is_deferring():
        for program_id in (pk_set or ()) if reverse else (instance.pk,):
            support.touched(program_id)


@receiver(post_save, sender=Program)
@receiver(post_save, sender=Module)
@receiver(post_save, sender=Citation)
@receiver(post_save, sender=RoleFit)
@receiver(post_delete, sender=Module)
@receiver(post_delete, sender=Citation)
@receiver(post_delete, sender=RoleFit)
def follow_in_search(sender, instance, raw=False, **kwargs):
    """What the sources say of a program is searchable as soon as it is written (issue #21);
    loaddata (raw) is followed by one refresh of everything it loaded (seed_catalog)."""
    if not raw:
        search.touched(instance.pk if sender is Program else instance.program_id)


@receiver(m2m_changed, sender=Program.topics.through)
def follow_topics_in_search(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if action.startswith("post_"):
        for program_id in (pk_set or ()) if reverse else (instance.pk,):
            search.touched(program_id)


@receiver(pre_delete, sender=Topic)
def follow_a_deleted_topic_in_search(sender, instance, **kwargs):
    """A deleted topic's programs lose its name (the cascade sends no m2m_changed)."""
    ids = list(instance.programs.values_list("pk", flat=True))
    transaction.on_commit(lambda: search.refresh(ids))


@receiver(post_save, sender=Provider)
@receiver(post_save, sender=Role)
@receiver(post_save, sender=Topic)
def follow_renames_in_search(sender, instance, raw=False, created=False, **kwargs):
    """A provider's or a role's new name finds its programs."""
    if raw or created:
        return
    if sender is Provider:
        ids = Program.objects.filter(provider=instance).values_list("pk", flat=True)
    elif sender is Topic:
        ids = instance.programs.values_list("pk", flat=True)
    else:
        ids = RoleFit.objects.filter(role=instance).values_list("program_id", flat=True)
    search.refresh(ids)


@receiver(pre_delete, sender=Program)
def stop_checking_a_program_being_deleted(sender, instance, **kwargs):
    """A deleted program's parts go first; their deletions are not checked against it."""
    support.mark_deleting(instance.pk)


@receiver(post_delete, sender=Program)
def forget_a_deleted_program(sender, instance, **kwargs):
    support.forget_deleting(instance.pk)


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


@receiver(post_save, sender=CostItem)
@receiver(post_delete, sender=CostItem)
def keep_the_total_with_cost_items(sender, instance, raw=False, **kwargs):
    """The stored total includes the required cost items, whichever way they change (admin
    inlines, import, revert, loaddata): `Program.sync_with_cost_items` (issue #24). Not for
    a program being deleted: its last version keeps its items, for a restore."""
    if support.is_being_deleted(instance.program_id):
        return
    program = Program.objects.filter(pk=instance.program_id).first()
    if program is not None:
        program.sync_with_cost_items(raw=raw)


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
