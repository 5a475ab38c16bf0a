"""Formalization applications in the demo history, made the way an entrepreneur and
the officers make them: the wizard's own step forms and draft services (answers
validated step by step, documents checked by content and kept with the draft),
``application_submit`` (rules, fees, one item per applicable procedure), payment
through the sandbox PSE provider with a signed notice, and the officers' decisions
through ``procedures.services.case_act``, each decision followed by the advance its
task would run (which files the procedures that were waiting for it).

Every step runs on the services' clock (``seed_history._clock``), so the trail, the
radicados and the due dates are those of the day it happened. Each application is a
plot (``APPLICATIONS``): who files it, how long ago, and what happens to some of its
procedures; the others are decided on time. Idempotent: an application whose
business name is already registered is not filed again.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from formalization import names, payments
from formalization import services as applications
from formalization.forms import DocumentsForm, needed_documents
from formalization.models import Application, ApplicationItem
from formalization.steps import STEPS
from procedures import calendar
from procedures.models import Notification
from procedures.sample_answers import FILES

from .seed_history import _citizens, _clock, _moment, _no_side_effects, _Walk

DEMO_APPLICANT = "ciudadano"


def _restaurante(name: str, person: dict) -> dict:
    return {
        "solicitante": {"tipo": "sas", "fecha_nacimiento": "1979-05-14", **person},
        "sociedad": {
            "num_accionistas": "3",
            "jovenes_mayoria": "no",
            "capital_suscrito": "80.000.000",
            "capital_pagado": "50.000.000",
            "estatutos_modelo": "no",
        },
        "empresa": {
            "razon_social": name,
            "ciiu": "5611",
            "activos": "120.000.000",
            "ingresos_estimados": "900.000.000",
        },
        "ubicacion": {
            "direccion": "Carrera 9 # 69-41",
            "localidad": "chapinero",
            "tiene_establecimiento": "si",
        },
        "establecimiento": {
            "nombre_establecimiento": name.removesuffix(" S.A.S."),
            "chip": "AAA0157KLMN",
            "area_m2": "150",
            "horario": "Todos los días, 11:00 a 23:00",
            "aviso_exterior": "si",
        },
        "actividad": {
            "interes_sanitario": "si",
            "musica_publica": "si",
            "impactos_ambientales": ["aceites", "vertimientos"],
        },
        "operacion": {
            "servicio_turistico": "gastronomia",
            "obligado_facturar": "si",
            "opta_simple": "no",
        },
        "empleados": {"num_empleados": "9"},
        "afiliaciones": {
            "nomina_mensual": "18.000.000",
            "clase_riesgo": "3",
            "arl": "sura",
            "caja": "cafam",
            "eps": "compensar",
            "fondo_pensiones": "proteccion",
        },
    }


def _tienda(name: str, person: dict) -> dict:
    return {
        "solicitante": {
            "tipo": "persona_natural",
            "fecha_nacimiento": "1968-09-02",
            **person,
        },
        "empresa": {
            "razon_social": name,
            "ciiu": "4711",
            "activos": "25.000.000",
            "ingresos_estimados": "180.000.000",
        },
        "ubicacion": {
            "direccion": "Calle 63 # 24-18",
            "localidad": "barrios-unidos",
            "tiene_establecimiento": "si",
        },
        "establecimiento": {
            "nombre_establecimiento": name,
            "chip": "AAA0089QRST",
            "area_m2": "38",
            "horario": "Lunes a sábado, 7:00 a 20:00",
            "aviso_exterior": "no",
        },
        "actividad": {"interes_sanitario": "si", "musica_publica": "no"},
        "operacion": {
            "servicio_turistico": "ninguno",
            "obligado_facturar": "si",
            "opta_simple": "no",
        },
        "empleados": {"num_empleados": "2"},
        "afiliaciones": {
            "nomina_mensual": "3.800.000",
            "clase_riesgo": "1",
            "arl": "positiva",
            "caja": "compensar",
            "eps": "sanitas",
            "fondo_pensiones": "porvenir",
        },
    }


def _software(name: str, person: dict) -> dict:
    return {
        "solicitante": {"tipo": "sas", "fecha_nacimiento": "1997-03-21", **person},
        "sociedad": {
            "num_accionistas": "1",
            "jovenes_mayoria": "si",
            "capital_suscrito": "10.000.000",
            "capital_pagado": "10.000.000",
            "estatutos_modelo": "si",
        },
        "empresa": {
            "razon_social": name,
            "ciiu": "6201",
            "activos": "10.000.000",
            "ingresos_estimados": "120.000.000",
        },
        "ubicacion": {
            "direccion": "Carrera 7 # 32-16",
            "localidad": "santa-fe",
            "tiene_establecimiento": "no",
        },
        "actividad": {"interes_sanitario": "no"},
        "operacion": {
            "servicio_turistico": "ninguno",
            "obligado_facturar": "si",
            "opta_simple": "si",
        },
        "empleados": {"num_empleados": "0"},
    }


def _agencia(name: str, person: dict) -> dict:
    return {
        "solicitante": {
            "tipo": "persona_natural",
            "fecha_nacimiento": "1985-11-30",
            **person,
        },
        "empresa": {
            "razon_social": name,
            "ciiu": "7911",
            "activos": "15.000.000",
            "ingresos_estimados": "200.000.000",
        },
        "ubicacion": {
            "direccion": "Calle 85 # 15-20",
            "localidad": "chapinero",
            "tiene_establecimiento": "no",
        },
        "actividad": {"interes_sanitario": "no"},
        "operacion": {
            "servicio_turistico": "agencia_viajes",
            "obligado_facturar": "si",
            "opta_simple": "no",
        },
        "empleados": {"num_empleados": "0"},
    }


# Who files, how many days ago, the business (its answers), and what happens to
# some procedures (outcomes of ``seed_history.OUTCOMES``; the rest are decided on
# time). ``payment``: the bank's answers to each payment attempt, in order.
APPLICATIONS = (
    {
        "plot": "completa",
        "owner": DEMO_APPLICANT,
        "days_ago": 320,
        "answers": _restaurante,
        "name": "Fogón de la Candelaria S.A.S.",
        "outcomes": {"F02": "informacion", "F15": "prorrogado", "F17": "informacion"},
        "payment": (True,),
    },
    {
        "plot": "con_rechazo",
        "owner": 7,
        "days_ago": 345,
        "answers": _tienda,
        "name": "Miscelánea El Girasol",
        "outcomes": {"F05": "rechazado"},
        "payment": (False, True),
    },
    {
        "plot": "desistida",
        "owner": 12,
        "days_ago": 160,
        "answers": _agencia,
        "name": "Caminos del Sumapaz",
        "outcomes": {"F20": "desistido", "F10": "tarde"},
        "payment": (True,),
    },
    {
        "plot": "en_curso",
        "owner": DEMO_APPLICANT,
        "days_ago": 24,
        "answers": _software,
        "name": "Nube Andina Software S.A.S.",
        "outcomes": {"F04": "informacion"},
        "payment": (True,),
    },
    {
        "plot": "pendiente_pago",
        "owner": 19,
        "days_ago": 4,
        "answers": _restaurante,
        "name": "Sazón Llanero S.A.S.",
        "outcomes": {},
        "payment": (False,),
    },
)


def _person(user) -> dict:
    profile = getattr(user, "applicant_profile", None)
    document = getattr(profile, "document_number", "") or str(
        52_000_000 + user.pk * 7919
    )
    return {
        "doc_tipo": "CC",
        "doc_numero": document,
        "nombre": f"{user.first_name} {user.last_name}".strip() or user.username,
        "telefono": getattr(profile, "phone", "") or "3104567890",
    }


def _raw(slug: str, answers: dict) -> dict:
    """One step as formtools stores it: prefixed field names, lists of values."""
    return {
        f"{slug}-{key}": list(value) if isinstance(value, list | tuple) else [value]
        for key, value in answers.items()
    }


class _Entrepreneur:
    """One run of the wizard through its own forms and services, a few minutes a step."""

    def __init__(self, user, moment: datetime.datetime, rng: random.Random):
        self.user, self.moment, self.rng = user, moment, rng

    def tick(self) -> datetime.datetime:
        self.moment += datetime.timedelta(minutes=self.rng.randint(1, 6))
        return self.moment

    def form(self, step, raw: dict, answers: dict, draft, files=None):
        return step.form(
            data=MultiValueDict(raw),
            files=MultiValueDict(files or {}),
            prefix=step.slug,
            answers=dict(answers),
            draft=draft,
        )

    def submit(self, steps: dict) -> Application:
        with _clock(self.moment):
            draft = applications.draft_start(self.user)
        answers, stored = {}, {}
        for step in STEPS:
            if not step.shown(answers):
                continue
            raw = _raw(step.slug, steps.get(step.slug, {}))
            with _clock(self.tick()):
                if step.form is DocumentsForm:
                    files = {
                        f"documentos-{name}": [_upload(name)]
                        for name in needed_documents(answers)
                    }
                    uploaded = self.form(step, raw, answers, draft, files)
                    if not uploaded.is_valid():
                        raise ValueError(f"documentos: {uploaded.errors.as_json()}")
                    applications.draft_documents_store(
                        draft, uploaded.validated, user=self.user
                    )
                # As the wizard re-reads a stored step: its data, the uploads on file.
                form = self.form(step, raw, answers, draft)
                if not form.is_valid():
                    raise ValueError(f"{step.slug}: {form.errors.as_json()}")
                applications.draft_step_saved(
                    draft,
                    step=step.slug,
                    before={},
                    after={key.split("-", 1)[1]: v for key, v in _flat(raw).items()},
                    user=self.user,
                )
            answers.update(form.cleaned_data)
            stored[step.slug] = raw
        draft.data = {
            "step": STEPS[-1].slug,
            "step_data": stored,
            "step_files": {},
            "extra_data": {},
        }
        with _clock(self.moment):
            draft.save(update_fields=["data", "updated_at"])
            application, _created = applications.application_submit(
                draft=draft, answers=answers, user=self.user, now=self.moment
            )
        return application

    def pay(self, application: Application, approved: bool) -> None:
        with _clock(self.tick()):
            payment = payments.payment_start(application)
        provider = payments.provider(payment.provider)
        body = provider.notice_body(payment, approved=approved)
        with _clock(self.tick()):
            payments.payment_notice(payment.provider, body, provider.sign(body))


def _flat(raw: dict) -> dict:
    return {
        key: values[0] if len(values) == 1 else values for key, values in raw.items()
    }


def _upload(name: str) -> SimpleUploadedFile:
    filename, content_type, make = FILES["pdf"]
    return SimpleUploadedFile(
        f"{name}.pdf", make() + f"%{name}\n".encode(), content_type=content_type
    )


def _officers(application: Application) -> dict:
    """Entity id -> its active officers, for the entities of this application."""
    officers = {}
    for item in application.items.select_related("procedure__entity__officer_group"):
        entity = item.procedure.entity
        if entity.pk not in officers and entity.officer_group_id:
            officers[entity.pk] = list(
                entity.officer_group.user_set.filter(is_active=True).order_by("pk")
            )
    return officers


def _process(application: Application, plot: dict, rng, today) -> None:
    """The officers decide each filed case; after every wave the application
    advances (as its task would), filing the procedures that waited for them."""
    officers = _officers(application)
    walked = set()
    while True:
        wave = [
            item
            for item in application.items.select_related("case__procedure").order_by(
                "order"
            )
            if item.case_id and item.case_id not in walked
        ]
        if not wave:
            return
        finished = []
        for item in wave:
            walked.add(item.case_id)
            if not officers.get(item.case.entity_id):
                continue
            walk = _Walk(item.case, officers, rng, today, remit_targets=[])
            walk.last[item.case.pk] = item.case.filed_at
            walk.run(plot["outcomes"].get(item.code, "a_tiempo"))
            if walk.case.decided_at is not None:
                finished.append(walk.last[item.case.pk])
        if not finished:
            return
        # Causal: the advance runs once every decision of the wave has happened.
        moment = max(finished) + datetime.timedelta(minutes=rng.randint(1, 30))
        if moment.date() >= today:
            return
        with _clock(moment):
            applications.application_advance(application, now=moment)


def _mark_sent(application: Application) -> None:
    # The history's e-mails went out back then: nobody is written to today.
    cases = ApplicationItem.objects.filter(application=application).values("case_id")
    Notification.objects.filter(state=Notification.State.PENDING).filter(
        dedupe_key__startswith=f"application:{application.radicado}:"
    ).update(state=Notification.State.SENT, sent_at=F("available_at"))
    Notification.objects.filter(
        case_id__in=cases, state=Notification.State.PENDING
    ).update(state=Notification.State.SENT, sent_at=F("available_at"))


def seed_applications(*, seed: str = "ventanilla", today=None) -> dict:
    """File the demo applications not filed yet (one transaction each); returns
    plot -> radicado of those filed now."""
    today = today or calendar.to_bogota(timezone.now()).date()
    citizens = _citizens()
    User = get_user_model()
    filed = {}
    with _no_side_effects():
        for index, plot in enumerate(APPLICATIONS):
            if not names.name_available(plot["name"]):
                continue
            owner = plot["owner"]
            user = (
                User.objects.filter(username=owner).first()
                if isinstance(owner, str)
                else citizens[owner % len(citizens)]
            )
            if user is None:
                continue
            rng = random.Random(f"{seed}:solicitud:{index}")
            day = calendar.previous_business_day(
                today - datetime.timedelta(days=plot["days_ago"])
            )
            person = _person(user)
            steps = plot["answers"](plot["name"], person)
            start = (day + datetime.timedelta(days=25)).isoformat()
            steps["empresa"]["fecha_inicio"] = start
            if "afiliaciones" in steps:
                steps["afiliaciones"]["fecha_primer_contrato"] = start
            steps["confirmacion"] = {"acepta_aviso": "on", "declara_veracidad": "on"}
            entrepreneur = _Entrepreneur(user, _moment(day, rng), rng)
            with transaction.atomic():
                application = entrepreneur.submit(steps)
                for approved in plot["payment"]:
                    application.refresh_from_db()
                    if application.status != Application.Status.AWAITING_PAYMENT:
                        break
                    entrepreneur.pay(application, approved)
                _process(application, plot, rng, today)
                _mark_sent(application)
            filed[plot["plot"]] = application.radicado
    return filed
