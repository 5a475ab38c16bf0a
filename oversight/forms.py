from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.form_errors import FixMessagesMixin
from catalog.models import Entity

from . import thresholds
from .models import RiskFlag
from .selectors import officer_choices
from .services import DISPOSITIONS, MIN_REASON_LENGTH

ALL = [("", _("Todas"))]
ALL_MALE = [("", _("Todos"))]


class RiskQueueFilterForm(forms.Form):
    """The queue's filters. Without a status in the query, the queue shows the
    open flags (the auditors' work); "Todas" must be chosen on purpose."""

    entity = forms.ChoiceField(label=_("Entidad"), required=False)
    detector = forms.ChoiceField(label=_("Patrón (detector)"), required=False)
    severity = forms.ChoiceField(
        label=_("Severidad"),
        required=False,
        choices=ALL + list(RiskFlag.Severity.choices),
    )
    officer = forms.ChoiceField(label=_("Funcionario"), required=False)
    date_from = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Estado"),
        required=False,
        choices=ALL + list(RiskFlag.Status.choices),
    )
    active = forms.ChoiceField(
        label=_("Vigencia"),
        required=False,
        choices=[
            ("", _("Todas")),
            ("si", _("Vigentes (el patrón sigue en el registro)")),
            ("no", _("Ya no vigentes")),
        ],
    )

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        if "status" not in data:
            data["status"] = RiskFlag.Status.OPEN
        super().__init__(data, **kwargs)
        self.fields["entity"].choices = ALL + list(
            Entity.objects.order_by("name").values_list("code", "name")
        )
        self.fields["detector"].choices = ALL_MALE + [
            (code, f"{code} · {spec['title']}")
            for code, spec in thresholds.catalogue()["detectors"].items()
        ]
        self.fields["officer"].choices = ALL_MALE + officer_choices()

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("La fecha final debe ser igual o posterior a la inicial.")
            )
        return data


class DispositionForm(FixMessagesMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Disposición"),
        choices=[
            (code, label)
            for code, label in RiskFlag.Status.choices
            if code in DISPOSITIONS
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motivo"),
        min_length=MIN_REASON_LENGTH,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Qué revisó y por qué decide así. Queda en el registro de auditoría; "
            "no escriba datos personales que no hagan falta."
        ),
    )
    field_messages = {
        "status": _("Elija una disposición: descartada, remitida o confirmada."),
        "reason": {
            "required": _("Escriba el motivo de la disposición."),
            "min_length": _(
                "Explique el motivo en al menos %(limit_value)d caracteres "
                "(ha escrito %(show_value)d)."
            ),
        },
    }
