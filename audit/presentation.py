"""How events read for an auditor: Spanish labels, Bogotá time, before/after diffs."""

import json
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import chain
from .personal import Keyring

BOGOTA = zoneinfo.ZoneInfo("America/Bogota")

ACTION_LABELS = {
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
    "account.created": _("Cuenta creada"),
    "account.email_verified": _("Correo verificado"),
    "account.verification_resent": _("Verificación reenviada"),
    "account.profile_changed": _("Perfil modificado"),
    "account.password_reset_requested": _("Restablecimiento de contraseña solicitado"),
    "account.password_reset": _("Contraseña restablecida"),
    "privacy.accepted": _("Aviso de privacidad aceptado"),
    "auth.login_throttled": _("Inicio de sesión demorado por intentos fallidos"),
    "auth.2fa_enrolled": _("Segundo factor registrado"),
    "auth.2fa_verified": _("Segundo factor verificado"),
    "auth.2fa_failed": _("Segundo factor rechazado"),
    "auth.session_expired": _("Sesión de servidor público vencida"),
    "account.signup_existing": _(
        "Intento de registro con datos de una cuenta existente"
    ),
    "account.password_reset_unknown": _(
        "Restablecimiento pedido para un correo sin cuenta"
    ),
    "case.filed": _("Trámite radicado"),
    "case.document_uploaded": _("Documento cargado"),
    "case.document_downloaded": _("Documento descargado"),
    "case.viewed": _("Caso consultado por un servidor"),
    "case.conflict": _("Acción rechazada por conflicto de versión"),
    "case.tomar": _("Caso tomado para revisión"),
    "case.asignar": _("Caso asignado"),
    "case.solicitar_informacion": _("Información solicitada al ciudadano"),
    "case.responder": _("Respuesta del ciudadano"),
    "case.aprobar": _("Aprobado"),
    "case.rechazar": _("Rechazado"),
    "case.prorrogar": _("Término prorrogado"),
    "case.remitir": _("Remitido por competencia"),
    "case.declarar_desistimiento": _("Desistimiento declarado"),
    "case.received_by_remission": _("Recibido por remisión de otra entidad"),
    "formalization.started": _("Formaliza tu empresa: solicitud iniciada"),
    "formalization.step_saved": _("Paso del formulario guardado"),
    "formalization.step_back": _("Regreso a un paso anterior"),
    "formalization.draft_purged": _(
        "Borrador eliminado por vencimiento del plazo de conservación"
    ),
    "formalization.document_uploaded": _("Documento cargado en el formulario"),
    "formalization.consent": _("Aviso de privacidad aceptado"),
    "formalization.submitted": _("Solicitud de formalización enviada"),
    "formalization.procedure_filed": _("Trámite de la solicitud radicado"),
    "payment.started": _("Pago iniciado"),
    "payment.aprobado": _("Pago aprobado por el banco"),
    "payment.rechazado": _("Pago rechazado por el banco"),
    "payment.notice_replayed": _("Aviso de pago repetido (ignorado)"),
    "payment.notice_rejected": _("Aviso de pago rechazado (valor o moneda distintos)"),
    "audit.viewed": _("Consulta de auditoría"),
    "audit.exported": _("Exportación de auditoría"),
    "audit.verified": _("Verificación de integridad"),
    "audit.checkpoint_refused": _(
        "Punto de control no firmado: la auditoría fue alterada"
    ),
}
RESULT_LABELS = {
    "ok": _("Exitoso"),
    "denied": _("Denegado"),
    "conflict": _("Conflicto"),
    "error": _("Error"),
}
FIELD_LABELS = {
    "status": _("Estado"),
    "username": _("Usuario"),
    "email": _("Correo"),
    "first_name": _("Nombres"),
    "last_name": _("Apellidos"),
    "is_active": _("Activo"),
    "is_staff": _("Acceso al administrador"),
    "is_superuser": _("Superusuario"),
    "name": _("Nombre"),
    "group": _("Grupos"),
    "permission": _("Permisos"),
    "page": _("Página"),
    "assigned_to": _("Asignado a"),
    "due_date": _("Fecha de vencimiento"),
    "received_on": _("Fecha de recibo"),
    "digest": _("Huella del documento (SHA-256)"),
    "document": _("Documento"),
    "document_type": _("Tipo de documento"),
    "procedure": _("Trámite"),
    "procedures": _("Trámites"),
    "answers": _("Respuestas"),
    "amount": _("Valor"),
    "total_due": _("Total a pagar"),
    "reference": _("Referencia"),
    "transaction": _("Transacción"),
    "verified_at": _("Verificado el"),
    "groups": _("Grupos"),
    "user_permissions": _("Permisos del usuario"),
    "step": _("Paso"),
    "revision": _("Revisión"),
    "remitted_from": _("Remitido desde"),
    "from_entity": _("Entidad de origen"),
    "privacy_notice": _("Aviso de privacidad"),
    "notice_version": _("Versión del aviso"),
    "case": _("Caso"),
    "valor": _("Valor"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "sí"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "—"
    if isinstance(value, dict):
        return chain.canonical_json(value)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def changes(before, after) -> list[Change]:
    """Field-by-field differences, labelled in Spanish."""
    before = (
        before
        if isinstance(before, dict)
        else ({} if before is None else {"valor": before})
    )
    after = (
        after
        if isinstance(after, dict)
        else ({} if after is None else {"valor": after})
    )
    rows = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new or key not in before:
            rows.append(
                Change(
                    key,
                    str(FIELD_LABELS.get(key, key.replace("_", " ").capitalize())),
                    _show(old),
                    _show(new),
                )
            )
    return rows


@dataclass(frozen=True)
class EventView:
    """One event as the console, the PDF and the CSV show it."""

    pk: int
    chain_key: str
    seq: int
    at_bogota: str
    actor: str
    role: str
    action: str
    action_label: str
    subject: str
    radicado: str
    result: str
    result_label: str
    reason: str
    changes: list
    ip: str
    user_agent: str
    request_id: str
    origin: str
    details: str
    hash: str


def present(event, keyring: Keyring | None = None) -> EventView:
    """One event for display. Pass one ``keyring`` for a list, so each person's key
    is loaded once."""
    keyring = keyring or Keyring()
    body = json.loads(event.body)
    moment = chain.parse_time(body["at"]).astimezone(BOGOTA)
    return EventView(
        pk=event.pk,
        chain_key=body["chain"],
        seq=body["seq"],
        at_bogota=moment.strftime("%d/%m/%Y %H:%M:%S"),
        actor=body["actor_username"] or "—",
        role=body["actor_role"],
        action=body["action"],
        action_label=action_label(body["action"]),
        subject=f"{body['subject_type']}:{body['subject_id']}",
        radicado=body["radicado"],
        result=body["result"],
        result_label=str(RESULT_LABELS.get(body["result"], body["result"])),
        reason=body["reason"],
        changes=changes(
            keyring.open_values(body.get("before")),
            keyring.open_values(body.get("after")),
        ),
        ip=body["ip"],
        user_agent=body["user_agent"],
        request_id=body["request_id"],
        origin=body["origin"],
        details=chain.canonical_json(body.get("details") or {})
        if body.get("details")
        else "",
        hash=event.hash,
    )


def present_all(events) -> list[EventView]:
    keyring = Keyring()
    return [present(event, keyring) for event in events]


def replay_points(events) -> list[int]:
    """Sequence numbers of the events that saved a step of a multi-step form."""
    points = []
    for event in events:
        body = json.loads(event.body)
        if (body.get("details") or {}).get("step") and isinstance(
            body.get("after"), dict
        ):
            points.append(body["seq"])
    return points


def replay_state(events, upto: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The form's answers as they stood after event ``upto``: each event naming a step
    replaces that step's answers with its 'after' values (a step-by-step replay)."""
    keyring = Keyring()
    state: dict[str, dict] = {}
    for event in events:
        body = json.loads(event.body)
        if body["seq"] > upto:
            break
        step = (body.get("details") or {}).get("step")
        if step and isinstance(body.get("after"), dict):
            state[step] = keyring.open_values(body["after"])
    return [
        (step, [(field, _show(value)) for field, value in sorted(values.items())])
        for step, values in state.items()
    ]
