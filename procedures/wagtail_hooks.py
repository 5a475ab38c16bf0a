from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from catalog.links import PROCEDURE_LINKS

from . import admin_views


@hooks.register("register_admin_viewset")
def register_case_viewset():
    return admin_views.case_viewset


hooks.register("register_bulk_action", admin_views.AssignCasesBulkAction)


@hooks.register("register_audit_labels")
def register_case_labels(labels):
    """How the auditor console reads a case's events (``services``)."""
    labels.register_actions(
        {
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
            "case.irregularity_reported": _("Irregularidad reportada por el ciudadano"),
        }
    )
    labels.register_fields(
        {
            "status": _("Estado"),
            "case": _("Caso"),
            "procedure": _("Trámite"),
            "assigned_to": _("Asignado a"),
            "due_date": _("Fecha de vencimiento"),
            "received_on": _("Fecha de recibo"),
            "answers": _("Respuestas"),
            "revision": _("Revisión"),
            "document": _("Documento"),
            "digest": _("Huella del documento (SHA-256)"),
            "remitted_from": _("Remitido desde"),
            "from_entity": _("Entidad de origen"),
            "category": _("Tipo de irregularidad"),
            "report_radicado": _("Radicado del reporte"),
            "text": _("Relato"),
            # The facts the risk detectors read (docs/risk-events.md).
            "entity": _("Entidad"),
            "applicant": _("Solicitante (titular de los datos)"),
            "term_days": _("Término legal (días)"),
            "calendar_days": _("Término en días calendario"),
            "requirements": _("Requisitos publicados"),
            "contact": _("Digestos de contacto del solicitante"),
            "fee": _("Valor liquidado"),
            "assigned_to_id": _("Asignado a (id)"),
            "self_assigned": _("Se asignó a sí mismo"),
            "actor_match": _("Digestos de contacto del funcionario"),
            "priority_reason": _("Motivo de atención prioritaria"),
            "remitted_to": _("Remitido a"),
            "remitted_to_entity": _("Entidad competente"),
            "remitted_to_procedure": _("Trámite en la entidad competente"),
            "requested_documents": _("Documentos solicitados"),
        }
    )


@hooks.register("register_audit_labels")
def register_payment_labels(labels):
    """A fee's payment through the bank (``payments``)."""
    labels.register_actions(
        {
            "payment.started": _("Pago iniciado"),
            "payment.aprobado": _("Pago aprobado por el banco"),
            "payment.rechazado": _("Pago rechazado por el banco"),
            "payment.notice_replayed": _("Aviso de pago repetido (ignorado)"),
            "payment.notice_rejected": _(
                "Aviso de pago rechazado (valor o moneda distintos)"
            ),
        }
    )
    labels.register_fields(
        {
            "amount": _("Valor"),
            "reference": _("Referencia"),
            "transaction": _("Transacción"),
            "payment_account": _("Digesto de la cuenta pagadora"),
            "computed": _("Valor calculado"),
            "charged": _("Valor cobrado"),
        }
    )


@hooks.register(PROCEDURE_LINKS)
def filing_link(page):
    """A procedure virtualized here is filed online at its own address."""
    if page.can_file_online:
        return {"file": reverse("file_case", args=[page.slug])}
    return None
