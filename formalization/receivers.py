"""When a case of an application is decided, its waiting procedures may be filed."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from procedures.models import Case

from .models import ApplicationItem


@receiver(post_save, sender=Case, dispatch_uid="formalization_case_saved")
def case_saved(sender, instance: Case, created: bool, **kwargs):
    if created or not instance.is_closed:
        return
    application_id = (
        ApplicationItem.objects.filter(case_id=instance.pk)
        .values_list("application_id", flat=True)
        .first()
    )
    if application_id is not None:
        from procedures.enqueue import enqueue_on_commit

        from . import tasks

        enqueue_on_commit(tasks.advance_application, application_id)
