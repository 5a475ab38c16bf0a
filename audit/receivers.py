"""What the audit trail records today without being called: authentication,
authorization denials, Wagtail's own log (publish, unpublish, workflow...) and
changes to users, groups and permissions.

These are bridges from events other code already emits; the other apps' services
call ``audit.record`` themselves inside their transactions.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import context, personal
from .services import record

AUTH_CHAIN = "auth"
SECURITY_CHAIN = "security"
USER_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "is_active",
    "is_staff",
    "is_superuser",
)


def on_login(sender, request, user, **kwargs):
    record(
        action="auth.login",
        subject_type="user",
        subject_id=user.pk,
        chain_key=AUTH_CHAIN,
        actor=user,
    )


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(
            action="auth.logout",
            subject_type="user",
            subject_id=user.pk,
            chain_key=AUTH_CHAIN,
            actor=user,
        )


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(
        action="auth.login_failed",
        subject_type="user",
        subject_id=username[:64],
        chain_key=AUTH_CHAIN,
        result="denied",
        reason="credenciales inválidas",
        details={"username": username},
    )


def record_denial(request, *, reason: str) -> None:
    """An authorization denial: who tried what, and where."""
    user = getattr(request, "user", None)
    record(
        action="authz.denied",
        subject_type="url",
        subject_id=request.path[:64],
        chain_key=SECURITY_CHAIN,
        actor=user if getattr(user, "is_authenticated", False) else None,
        result="denied",
        reason=reason,
        details={"method": request.method, "path": request.get_full_path()[:500]},
    )


class AuthorizationDenialMiddleware:
    """Records PermissionDenied raised by views outside the Wagtail admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied

        if isinstance(exception, PermissionDenied):
            record_denial(request, reason=str(exception) or "permiso denegado")


def _patch_wagtail_admin_denials() -> None:
    # Wagtail's admin turns PermissionDenied into a redirect inside require_admin_access,
    # so no middleware sees it; wrap the two functions it calls to record the denial.
    from wagtail.admin import auth

    if getattr(auth, "_audit_wrapped", False):
        return
    original_denied, original_reject = auth.permission_denied, auth.reject_request

    def permission_denied(request):
        record_denial(request, reason="permiso denegado en el administrador")
        return original_denied(request)

    def reject_request(request):
        if getattr(request.user, "is_authenticated", False):
            record_denial(request, reason="sin acceso al administrador")
        return original_reject(request)

    auth.permission_denied, auth.reject_request = permission_denied, reject_request
    auth._audit_wrapped = True


def on_wagtail_log(sender, instance, created, **kwargs):
    if not created:
        return
    subject_type = (
        "page" if sender.__name__ == "PageLogEntry" else instance.content_type.model
    )
    subject_id = instance.page_id if subject_type == "page" else instance.object_id
    record(
        action=instance.action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor=instance.user,
        details={
            "label": instance.label,
            "revision": getattr(instance, "revision_id", None),
            "data": instance.data,
        },
    )


def _personal(user) -> dict:
    return {
        "data_subject": personal.subject_of(user),
        "personal_fields": personal.USER_PERSONAL_FIELDS,
    }


def _user_snapshot(user) -> dict:
    return {field: getattr(user, field) for field in USER_FIELDS}


def on_user_pre_save(sender, instance, **kwargs):
    instance._audit_before = None
    instance._audit_password_before = None
    if instance.pk:
        old = sender.objects.filter(pk=instance.pk).first()
        if old is not None:
            instance._audit_before = _user_snapshot(old)
            instance._audit_password_before = old.password


def on_user_saved(sender, instance, created, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    before = getattr(instance, "_audit_before", None)
    after = _user_snapshot(instance)
    if created:
        record(
            action="user.created",
            subject_type="user",
            subject_id=instance.pk,
            chain_key=SECURITY_CHAIN,
            after=after,
            **_personal(instance),
        )
        return
    changed = {k: v for k, v in after.items() if before is None or before.get(k) != v}
    if changed:
        record(
            action="user.changed",
            subject_type="user",
            subject_id=instance.pk,
            chain_key=SECURITY_CHAIN,
            before={k: before[k] for k in changed} if before else None,
            after=changed,
            **_personal(instance),
        )
    if getattr(instance, "_audit_password_before", None) not in (
        None,
        instance.password,
    ):
        record(
            action="user.password_changed",
            subject_type="user",
            subject_id=instance.pk,
            chain_key=SECURITY_CHAIN,
        )


def on_user_deleted(sender, instance, **kwargs):
    record(
        action="user.deleted",
        subject_type="user",
        subject_id=instance.pk,
        chain_key=SECURITY_CHAIN,
        before=_user_snapshot(instance),
        **_personal(instance),
    )
    # The account is gone: so is what the trail could still say about the person.
    personal.shred(personal.subject_of(instance), reason="cuenta eliminada")


def on_group_saved(sender, instance, created, **kwargs):
    record(
        action="group.created" if created else "group.changed",
        subject_type="group",
        subject_id=instance.pk,
        chain_key=SECURITY_CHAIN,
        after={"name": instance.name},
    )


def on_group_deleted(sender, instance, **kwargs):
    record(
        action="group.deleted",
        subject_type="group",
        subject_id=instance.pk,
        chain_key=SECURITY_CHAIN,
        before={"name": instance.name},
    )


def on_membership_changed(sender, instance, action, model, pk_set, **kwargs):
    """Group memberships and permissions added to or removed from a user or group."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    relation = next(
        name for name, through in _m2m_fields().items() if through is sender
    )
    owner = instance._meta.model_name
    record(
        action=f"{owner}.{relation}.{action.removeprefix('post_')}",
        subject_type=owner,
        subject_id=instance.pk,
        chain_key=SECURITY_CHAIN,
        after={
            model._meta.model_name: sorted(
                str(obj) for obj in model.objects.filter(pk__in=pk_set or [])
            )
        },
    )


def on_page_permission_changed(sender, instance, **kwargs):
    created = kwargs.get("created")
    action = (
        "page_permission.deleted"
        if created is None
        else "page_permission.created"
        if created
        else "page_permission.changed"
    )
    record(
        action=action,
        subject_type="group",
        subject_id=instance.group_id,
        chain_key=SECURITY_CHAIN,
        after={"page": instance.page_id, "permission": instance.permission.codename},
    )


def _m2m_fields() -> dict:
    User = get_user_model()
    return {
        "groups": User.groups.through,
        "user_permissions": User.user_permissions.through,
        "permissions": Group.permissions.through,
    }


def on_task_prerun(task_id=None, task=None, **kwargs):
    task.request._audit_token = context.bind(
        origin=f"task:{task.name}:{task_id}", request_id=task_id or ""
    )


def on_task_postrun(task_id=None, task=None, **kwargs):
    token = getattr(task.request, "_audit_token", None)
    if token is not None:
        context.reset(token)


def connect() -> None:
    from wagtail.models import GroupPagePermission, ModelLogEntry, PageLogEntry

    from celery.signals import task_postrun, task_prerun

    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    post_save.connect(
        on_wagtail_log, sender=PageLogEntry, dispatch_uid="audit-page-log"
    )
    post_save.connect(
        on_wagtail_log, sender=ModelLogEntry, dispatch_uid="audit-model-log"
    )
    User = get_user_model()
    pre_save.connect(on_user_pre_save, sender=User, dispatch_uid="audit-user-pre")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="audit-user-save")
    post_delete.connect(on_user_deleted, sender=User, dispatch_uid="audit-user-delete")
    post_save.connect(on_group_saved, sender=Group, dispatch_uid="audit-group-save")
    post_delete.connect(
        on_group_deleted, sender=Group, dispatch_uid="audit-group-delete"
    )
    for name, through in _m2m_fields().items():
        m2m_changed.connect(
            on_membership_changed, sender=through, dispatch_uid=f"audit-m2m-{name}"
        )
    post_save.connect(
        on_page_permission_changed,
        sender=GroupPagePermission,
        dispatch_uid="audit-gpp-save",
    )
    post_delete.connect(
        on_page_permission_changed,
        sender=GroupPagePermission,
        dispatch_uid="audit-gpp-delete",
    )
    task_prerun.connect(on_task_prerun, dispatch_uid="audit-task-prerun", weak=False)
    task_postrun.connect(on_task_postrun, dispatch_uid="audit-task-postrun", weak=False)
    _patch_wagtail_admin_denials()
