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


@hooks.register("register_audit_labels")
def register_audit_labels(labels):
    """Audit's own events: the bridges in ``receivers`` and the auditors' access."""
    labels.register_actions(
        {
            "auth.login": _("Inicio de sesión"),
            "auth.logout": _("Cierre de sesión"),
            "auth.login_failed": _("Intento de inicio de sesión fallido"),
            "authz.denied": _("Acceso denegado"),
            "user.created": _("Usuario creado"),
            "user.changed": _("Usuario modificado"),
            "user.deleted": _("Usuario eliminado"),
            "audit.data_shredded": _("Datos personales suprimidos (llave destruida)"),
            "user.password_changed": _("Contraseña cambiada"),
            "user.groups.add": _("Usuario agregado a grupos"),
            "user.groups.remove": _("Usuario retirado de grupos"),
            "user.groups.clear": _("Grupos del usuario vaciados"),
            "user.user_permissions.add": _("Permisos otorgados al usuario"),
            "user.user_permissions.remove": _("Permisos retirados al usuario"),
            "group.created": _("Grupo creado"),
            "group.changed": _("Grupo modificado"),
            "group.deleted": _("Grupo eliminado"),
            "group.permissions.add": _("Permisos otorgados al grupo"),
            "group.permissions.remove": _("Permisos retirados al grupo"),
            "page_permission.created": _("Permiso sobre páginas otorgado"),
            "page_permission.deleted": _("Permiso sobre páginas retirado"),
            "wagtail.create": _("Página creada"),
            "wagtail.edit": _("Borrador guardado"),
            "wagtail.publish": _("Página publicada"),
            "wagtail.publish.schedule": _("Publicación programada"),
            "wagtail.publish.scheduled": _("Publicada según lo programado"),
            "wagtail.rename": _("Página renombrada"),
            "wagtail.schedule.cancel": _("Programación cancelada"),
            "wagtail.unpublish": _("Página despublicada"),
            "wagtail.delete": _("Página eliminada"),
            "wagtail.move": _("Página movida"),
            "wagtail.copy": _("Página copiada"),
            "wagtail.revert": _("Revisión restaurada"),
            "wagtail.workflow.start": _("Enviada a moderación"),
            "wagtail.workflow.approve": _("Aprobada en moderación"),
            "wagtail.workflow.reject": _("Rechazada en moderación"),
            "wagtail.workflow.resume": _("Moderación reanudada"),
            "wagtail.workflow.cancel": _("Moderación cancelada"),
            "audit.viewed": _("Consulta de auditoría"),
            "audit.exported": _("Exportación de auditoría"),
            "audit.verified": _("Verificación de integridad"),
            "audit.checkpoint_refused": _(
                "Punto de control no firmado: la auditoría fue alterada"
            ),
        }
    )
    labels.register_fields(
        {
            # "valor" is what ``presentation.changes`` calls a value that is no dict.
            "valor": _("Valor"),
            "username": _("Usuario"),
            "email": _("Correo"),
            "first_name": _("Nombres"),
            "last_name": _("Apellidos"),
            "is_active": _("Activo"),
            "is_staff": _("Acceso al administrador"),
            "is_superuser": _("Superusuario"),
            "name": _("Nombre"),
            "group": _("Grupos"),
            "groups": _("Grupos"),
            "permission": _("Permisos"),
            "user_permissions": _("Permisos del usuario"),
            "page": _("Página"),
        }
    )
