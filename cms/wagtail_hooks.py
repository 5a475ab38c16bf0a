from django.utils.translation import gettext_lazy as _

from wagtail import hooks


@hooks.register("register_audit_labels")
def register_two_factor_labels(labels):
    """Staff sign-in's second factor and session limits (``two_factor``)."""
    labels.register_actions(
        {
            "auth.2fa_enrolled": _("Segundo factor registrado"),
            "auth.2fa_verified": _("Segundo factor verificado"),
            "auth.2fa_failed": _("Segundo factor rechazado"),
            "auth.session_expired": _("Sesión de servidor público vencida"),
        }
    )
