import datetime

from django import forms
from django.utils.translation import gettext_lazy as _


class EventSearchForm(forms.Form):
    subject = forms.CharField(
        label=_("Sujeto"),
        required=False,
        max_length=120,
        help_text=_("Tipo e identificador, p. ej. «page:12», o solo el identificador."),
    )
    radicado = forms.CharField(label=_("Radicado"), required=False, max_length=40)
    actor = forms.CharField(label=_("Actor (usuario)"), required=False, max_length=150)
    action = forms.CharField(
        label=_("Acción"),
        required=False,
        max_length=80,
        help_text=_("Código o prefijo, p. ej. «auth.»"),
    )
    date_from = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error(
                "date_to", _("La fecha final debe ser igual o posterior a la inicial.")
            )
        return data

    def has_criteria(self) -> bool:
        return self.is_valid() and any(
            self.cleaned_data.get(name) for name in self.fields
        )


def bogota_day_bounds(day: datetime.date, *, end: bool) -> str:
    """The UTC text bound of a Bogotá calendar day, comparable with recorded_at."""
    from . import chain
    from .presentation import BOGOTA

    moment = datetime.datetime.combine(
        day + datetime.timedelta(days=1) if end else day, datetime.time(), tzinfo=BOGOTA
    )
    return chain.format_time(moment)
