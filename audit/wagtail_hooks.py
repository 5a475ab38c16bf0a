from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [
        path("auditoria/", views.index, name="audit_index"),
        path("auditoria/integridad/", views.integrity, name="audit_integrity"),
        path(
            "auditoria/cadena/<path:chain_key>/exportar.<str:fmt>",
            views.export,
            name="audit_export",
        ),
        path(
            "auditoria/cadena/<path:chain_key>/", views.timeline, name="audit_timeline"
        ),
    ]


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(views.PERMISSION)


@hooks.register("register_admin_menu_item")
def register_audit_menu_item():
    return AuditMenuItem(
        _("Auditoría"), reverse("audit_index"), icon_name="history", order=900
    )
