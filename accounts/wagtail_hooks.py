from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from .events import USER_VIEWED, user_viewed


@hooks.register("register_audit_labels")
def register_account_labels(labels):
    """Citizens' accounts: sign-up, verification, profile, login, privacy consent."""
    labels.register_actions(
        {
            "account.created": _("Cuenta creada"),
            "account.email_verified": _("Correo verificado"),
            "account.verification_resent": _("Verificación reenviada"),
            "account.profile_changed": _("Perfil modificado"),
            "account.password_reset_requested": _(
                "Restablecimiento de contraseña solicitado"
            ),
            "account.password_reset": _("Contraseña restablecida"),
            "account.signup_existing": _(
                "Intento de registro con datos de una cuenta existente"
            ),
            "account.password_reset_unknown": _(
                "Restablecimiento pedido para un correo sin cuenta"
            ),
            "privacy.accepted": _("Aviso de privacidad aceptado"),
            "auth.login_throttled": _(
                "Inicio de sesión demorado por intentos fallidos"
            ),
            USER_VIEWED: _("Ficha de usuario consultada en la administración"),
        }
    )
    labels.register_fields(
        {
            "document_type": _("Tipo de documento"),
            "verified_at": _("Verificado el"),
            "privacy_notice": _("Aviso de privacidad"),
            "notice_version": _("Versión del aviso"),
        }
    )


@hooks.register("before_edit_user")
def record_user_viewed(request, user):
    """A servant opening a user record reads personal data: it goes on the trail
    (issue 14 point 5), once per few minutes. Saving the form is its own event."""
    if request.method == "GET":
        user_viewed(user, viewer=request.user)
