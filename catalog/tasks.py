from django.core.management import call_command

from celery import shared_task


@shared_task
def publish_scheduled_pages() -> None:
    """Publish and unpublish pages whose scheduled time has come (Wagtail's command)."""
    call_command("publish_scheduled")
