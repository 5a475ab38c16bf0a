"""The officer's form for one action on a case, built from its row of the
workflow table: one field per input the row names, and nothing else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.document_formats import ALL_FORMATS, describe
from catalog.models import Entity, ProcedurePage

from . import services, workflow
from .models import Case
from .uploads import validate_upload
from .workflow import Action, Input, Status


def remission_entities(case: Case):
    """Where a case may be remitted: any other entity with officers to receive it."""
    return (
        Entity.objects.exclude(pk=case.entity_id)
        .filter(officer_group__isnull=False)
        .order_by("name")
    )


def remission_procedures(entities):
    return (
        ProcedurePage.objects.live()
        .filter(entity__in=entities)
        .only("id", "title", "code", "entity_id")
        .order_by("title")
    )


def _required(**attrs) -> dict:
    # The browser asks for the field; the server leaves the refusal to the
    # service (or to clean()), whose message names the rule.
    return {"required": True, **attrs}


def _reason_fields(case: Case) -> dict:
    return {
        "reason": forms.CharField(
            label=_("Motivo (lo leerá el ciudadano)"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(
                attrs=_required(rows=2, minlength=workflow.MIN_REASON_LENGTH)
            ),
        )
    }


def _extra_days_fields(case: Case) -> dict:
    return {
        "extra_days": forms.IntegerField(
            label=(
                _("Días calendario adicionales")
                if case.calendar_days
                else _("Días hábiles adicionales")
            ),
            required=False,
            min_value=1,
            max_value=60,
            widget=forms.NumberInput(attrs=_required()),
        )
    }


def _remit_to_fields(case: Case) -> dict:
    entities = list(remission_entities(case))
    names = {entity.pk: entity.name for entity in entities}
    grouped: dict[int, list] = {entity.pk: [] for entity in entities}
    for procedure in remission_procedures(entities):
        grouped[procedure.entity_id].append(
            (procedure.pk, f"{procedure.title} ({procedure.code})")
        )
    entity = forms.ModelChoiceField(
        label=_("Entidad competente"),
        queryset=remission_entities(case),
        required=False,
        widget=forms.Select(attrs=_required()),
    )
    entity.choices = [("", _("Seleccione…"))] + list(names.items())
    procedure = forms.ModelChoiceField(
        label=_("Trámite en la entidad competente"),
        queryset=remission_procedures(remission_entities(case)),
        required=False,
        widget=forms.Select(attrs=_required()),
    )
    procedure.choices = [("", _("Seleccione…"))] + [
        (names[pk], options) for pk, options in grouped.items() if options
    ]
    return {"entity": entity, "procedure": procedure}


def _assignee_fields(case: Case) -> dict:
    # Any id is accepted here: the service refuses one that is not an officer of
    # the entity, with its own message.
    return {
        "assignee": forms.IntegerField(
            label=_("Asignar a"),
            required=False,
            min_value=1,
            initial=case.assigned_to_id,
            widget=forms.Select(
                choices=[
                    (officer.pk, services.user_display(officer))
                    for officer in services.entity_officers(case)
                ]
            ),
        )
    }


ACT_MAX_MB = 20


def _act_fields(case: Case) -> dict:
    # Optional: without it the platform issues its own document with the data,
    # the signer and a verification code. An uploaded act gets the same code.
    return {
        "act": forms.FileField(
            label=_("Acto firmado en PDF (opcional)"),
            required=False,
            help_text=_(
                "Si la entidad expidió el acto en su propio sistema, cárguelo aquí: se "
                "entrega tal como lo carga, con un código de verificación."
            ),
            widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        ),
        "act_public": forms.BooleanField(
            label=_(
                "Es un acto público por naturaleza: la página de verificación puede "
                "ofrecer el archivo"
            ),
            required=False,
        ),
    }


# A document the officer names in their own words is taken in every format the
# uploads accept, up to this size.
OTHER_DOCUMENT_MAX_MB = 10
MAX_OTHER_DOCUMENTS = 10


def procedure_documents(case: Case) -> list[dict]:
    """The documents of the procedure as the case was filed under it."""
    from .forms import form_definition

    page = (
        case.procedure_revision.as_object()
        if case.procedure_revision_id
        else case.procedure
    )
    return [
        {
            "name": spec["name"],
            "formats": [str(f) for f in spec["formats"]],
            "max_size_mb": spec["max_size_mb"],
        }
        for spec in form_definition(page)[1]
    ]


def _requested_documents_fields(case: Case) -> dict:
    listed = procedure_documents(case)
    return {
        "requested": forms.MultipleChoiceField(
            label=_("Documentos del trámite que debe adjuntar"),
            required=False,
            choices=[
                (
                    spec["name"],
                    f"{spec['name']} ({describe(spec['formats'])})",
                )
                for spec in listed
            ],
            widget=forms.CheckboxSelectMultiple,
        ),
        "other_documents": forms.CharField(
            label=_("Otros documentos que debe adjuntar (uno por línea)"),
            help_text=_(
                "El ciudadano tendrá un campo de carga por cada documento, en PDF, "
                "JPEG o PNG."
            ),
            required=False,
            max_length=1500,
            widget=forms.Textarea(attrs={"rows": 2}),
        ),
    }


def _priority_fields(case: Case) -> dict:
    return {
        "priority_reason": forms.ChoiceField(
            label=_("Atención prioritaria (Ley 1755 de 2015, art. 20)"),
            required=False,
            choices=[("", _("Ninguna"))] + list(workflow.PriorityReason.choices),
        )
    }


# The fields each input adds to the form. The citizen's documents come with the
# answer on "Mis trámites", not from this form.
INPUT_FIELDS = {
    Input.REASON: _reason_fields,
    Input.EXTRA_DAYS: _extra_days_fields,
    Input.REMIT_TO: _remit_to_fields,
    Input.ASSIGNEE: _assignee_fields,
    Input.ACT: _act_fields,
    Input.REQUESTED_DOCUMENTS: _requested_documents_fields,
}


class ActionForm(forms.Form):
    """One action's form: hidden action and version, then its row's inputs.

    A posted action the case's status does not list gets no input fields; the
    service then refuses it with the workflow's message.
    """

    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    # Errors of these fields are shown as they are; any other means a tampered form.
    SPECIFIC_ERRORS = ("entity", "procedure", "act", "other_documents")

    def __init__(self, data=None, files=None, *, case: Case, action: str | None = None):
        action = action or (data or {}).get("action")
        self.case = case
        self.transition = _row(case, action)
        self.action = Action(action) if self.transition else None
        self.status = Status(case.status)
        super().__init__(
            data,
            files,
            auto_id=f"%s-{action}" if self.transition else "id_%s",
            initial={"action": action, "version": case.version},
        )
        inputs = self.transition.inputs if self.transition else ()
        for input_ in Input:
            if input_ in inputs and input_ in INPUT_FIELDS:
                self.fields.update(INPUT_FIELDS[input_](case))
        if self.action in workflow.PRIORITY_ACTIONS:
            self.fields.update(_priority_fields(case))

    @property
    def label(self) -> str:
        return self.action.label

    @property
    def secondary(self) -> bool:
        """An action the citizen does not see (no status change, no notice)."""
        transition = self.transition
        return not transition.notifies_applicant and transition.to == self.status

    @property
    def button_class(self) -> str:
        if self.transition.to == Status.RECHAZADO:
            return "button no"
        return "button button-secondary" if self.secondary else "button"

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.transition and self.transition.needs_confirmation)

    # Given on the confirmation page, beside the preview of the generated
    # document: a file cannot travel through that page's hidden fields. The
    # priority reason is asked there too (or beside the one-click button of
    # "Tomar"), so that it adds no step of its own.
    CONFIRMATION_FIELDS = ("act", "act_public", "priority_reason")

    def step_fields(self) -> list:
        return [
            f for f in self.visible_fields() if f.name not in self.CONFIRMATION_FIELDS
        ]

    def confirmation_fields(self) -> list:
        return [self[name] for name in self.CONFIRMATION_FIELDS if name in self.fields]

    @property
    def has_inputs(self) -> bool:
        return bool(self.step_fields())

    def clean(self):
        data = super().clean()
        self.validated_act = None
        if data.get("act"):
            try:
                self.validated_act = validate_upload(
                    data["act"],
                    requirement="Documento de salida",
                    formats=["pdf"],
                    max_size_mb=ACT_MAX_MB,
                )
            except forms.ValidationError as error:
                self.add_error("act", error)
        if "other_documents" in self.fields:
            self._clean_requested_documents(data)
        if "entity" not in self.fields:
            return data
        entity, procedure = data.get("entity"), data.get("procedure")
        if entity is None:
            self.add_error("entity", _("Para remitir elija la entidad competente."))
        elif procedure is None:
            self.add_error("procedure", _("Elija el trámite de la entidad competente."))
        elif procedure.entity_id != entity.pk:
            self.add_error(
                "procedure",
                _("El trámite elegido no es de %(entity)s.") % {"entity": entity.name},
            )
        return data

    def _clean_requested_documents(self, data) -> None:
        listed = {spec["name"]: spec for spec in procedure_documents(self.case)}
        chosen = [listed[name] for name in data.get("requested") or ()]
        names = {spec["name"].casefold() for spec in chosen}
        for line in (data.get("other_documents") or "").splitlines():
            name = " ".join(line.split())[:150]
            if name and name.casefold() not in names:
                names.add(name.casefold())
                chosen.append(
                    {
                        "name": name,
                        "formats": [str(f) for f in ALL_FORMATS],
                        "max_size_mb": OTHER_DOCUMENT_MAX_MB,
                    }
                )
        if len(chosen) > MAX_OTHER_DOCUMENTS + len(listed):
            self.add_error(
                "other_documents",
                _("Pida como máximo %(n)d documentos adicionales.")
                % {"n": MAX_OTHER_DOCUMENTS},
            )
        data["requested_documents"] = chosen

    def inputs(self) -> dict:
        """The keyword arguments of ``case_act`` this form supplies."""
        data = self.cleaned_data
        given = {
            "reason": data.get("reason") or "",
            "extra_days": data.get("extra_days") or 0,
            "assignee": data.get("assignee"),
        }
        if "procedure" in self.fields:
            given["remit_to"] = data["procedure"]
        if getattr(self, "validated_act", None) is not None:
            given["act"] = self.validated_act
            given["act_public"] = bool(data.get("act_public"))
        if "other_documents" in self.fields:
            given["requested_documents"] = data.get("requested_documents") or []
        if data.get("priority_reason"):
            given["priority_reason"] = data["priority_reason"]
        return given


def _row(case: Case, action) -> workflow.Transition | None:
    try:
        return workflow.TRANSITIONS.get((Status(case.status), Action(action)))
    except ValueError:
        return None
