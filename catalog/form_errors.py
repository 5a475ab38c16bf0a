"""Error messages that say how to fix the field (the GOV.UK pattern), in one place.

Django's own messages ("Este campo es obligatorio.", "Introduzca un valor válido.")
name no field and give no fix. ``fix_messages(form)`` replaces every one of them
still on a form's fields with a message for the field's kind, built from its label;
a form names the exact wording for a field it knows (``FixMessagesMixin.
field_messages``). Messages a field or a form already set on purpose are kept.

It lives in the lowest app with forms so that every app's forms may use it.
"""

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The codes whose messages Django formats with the validator's values.
PARAMETRIZED = {"max_length", "min_length", "min_value", "max_value", "step_size"}

EMAIL_EXAMPLE = gettext_lazy(
    "Escriba su correo electrónico, por ejemplo nombre@dominio.co."
)
PASSWORD_MISMATCH = gettext_lazy(
    "Las dos contraseñas no coinciden: escriba la misma contraseña en los dos campos."
)


def _django_defaults(field: forms.Field) -> dict:
    """The messages Django's own field classes give this field (not ours)."""
    defaults = {}
    for klass in reversed(type(field).__mro__):
        if klass.__module__.startswith("django."):
            defaults.update(getattr(klass, "default_error_messages", {}))
    return defaults


def _kind(field: forms.Field) -> str:
    widget = field.widget
    if getattr(field, "error_kind", None):
        return field.error_kind  # a field of ours that says what it holds (money)
    if isinstance(widget, forms.HiddenInput):
        return "token"  # the page's own value: only a stale page lacks it
    if isinstance(field, forms.BooleanField):
        return "checkbox"
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.MultipleChoiceField):
        return "multiple"
    if isinstance(field, forms.ChoiceField):
        if not isinstance(widget, forms.RadioSelect):
            return "select"
        labels = {str(label) for value, label in field.choices if value != ""}
        return "yes_no" if labels == {_("Sí"), _("No")} else "radio"
    if isinstance(field, forms.MultiValueField):
        return "boxes"
    if isinstance(field, forms.EmailField):
        return "email"
    if isinstance(field, (forms.IntegerField, forms.DecimalField, forms.FloatField)):
        return "number"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.UUIDField):
        return "token"
    return "text"


def kind_messages(field: forms.Field) -> dict[str, str]:
    """How to fix a field of this kind, in words that name the field by its label."""
    label = str(field.label or "")
    kind = _kind(field)
    required = {
        "text": _("Escriba su respuesta en «%(label)s»."),
        "email": str(EMAIL_EXAMPLE),
        "number": _("Escriba un número en «%(label)s», solo con cifras."),
        "money": _("Escriba el valor en pesos de «%(label)s», por ejemplo 1.500.000."),
        "date": _(
            "Escriba la fecha en «%(label)s» con día, mes y año, por ejemplo 15/03/2025."
        ),
        "select": _("Elija una opción de la lista en «%(label)s»."),
        "radio": _("Elija una de las respuestas de «%(label)s»."),
        "yes_no": _("Responda «Sí» o «No» a «%(label)s»."),
        "boxes": _("Complete todas las casillas de «%(label)s»."),
        "multiple": _("Marque al menos una opción en «%(label)s»."),
        "checkbox": _("Marque la casilla «%(label)s» para continuar."),
        "file": _("Adjunte el documento «%(label)s»."),
        "token": _("El formulario caducó: recargue la página y envíelo de nuevo."),
    }[kind]
    invalid_choice = _(
        "Elija una de las opciones que ofrece «%(label)s»; la enviada no está en la lista."
    )
    messages = {
        "required": required,
        "invalid_choice": invalid_choice,
        "invalid_list": invalid_choice,
        "max_length": _(
            "Escriba como máximo %%(limit_value)d caracteres en «%(label)s» (ahora tiene %%(show_value)d)."
        ),
        "min_length": _(
            "Escriba al menos %%(limit_value)d caracteres en «%(label)s» (ahora tiene %%(show_value)d)."
        ),
        "min_value": _(
            "Escriba en «%(label)s» un número igual o mayor que %%(limit_value)s."
        ),
        "max_value": _(
            "Escriba en «%(label)s» un número igual o menor que %%(limit_value)s."
        ),
        "step_size": _("Escriba en «%(label)s» un múltiplo de %%(limit_value)s."),
        "null_characters_not_allowed": _(
            "Quite los caracteres no permitidos de «%(label)s» y escríbalo de nuevo."
        ),
        "invalid": {
            "email": _(
                "Escriba el correo electrónico completo, con @ y dominio, por ejemplo nombre@dominio.co."
            ),
            "number": _(
                "Escriba solo cifras en «%(label)s», sin puntos, comas ni letras."
            ),
            "date": _(
                "Escriba en «%(label)s» una fecha real con día, mes y año, por ejemplo 15/03/2025."
            ),
            "file": _("No recibimos un archivo en «%(label)s»: adjúntelo de nuevo."),
            "token": required,
            "boxes": required,
        }.get(kind, _("Revise «%(label)s»: escriba solo letras, números y signos.")),
    }
    if kind == "boxes":
        messages["incomplete"] = required
    if kind == "file":
        messages |= {
            "missing": _("No recibimos un archivo en «%(label)s»: adjúntelo de nuevo."),
            "empty": _(
                "El archivo de «%(label)s» está vacío: adjunte el documento con su contenido."
            ),
            "max_length": _(
                "El nombre del archivo de «%(label)s» es muy largo: acórtelo a %%(max)d caracteres y adjúntelo de nuevo."
            ),
            "contradiction": _(
                "En «%(label)s», adjunte un archivo nuevo o marque «Borrar», no las dos cosas."
            ),
        }
    if kind == "token":
        # A hidden value of the page: whatever is wrong, only reloading fixes it.
        messages = dict.fromkeys(messages, required)
    formatted = {}
    for code, message in messages.items():
        # Django formats the messages of PARAMETRIZED codes with the validator's
        # values, so a "%" in the label must survive that second formatting.
        value = label.replace("%", "%%") if code in PARAMETRIZED else label
        formatted[code] = message % {"label": value}
    return formatted


def fix_messages(form: forms.BaseForm, explicit: dict | None = None) -> None:
    """Replace the Django messages still on ``form``'s fields: first with the form's
    ``explicit`` wording ({field name: message, or {code: message}}), then with the
    message of the field's kind. A message set on purpose (not Django's) stays."""
    explicit = explicit or {}
    for name, field in form.fields.items():
        defaults = _django_defaults(field)
        wanted = explicit.get(name, {})
        if not isinstance(wanted, dict):
            wanted = {"required": wanted}
        raised = set(defaults) | {
            getattr(validator, "code", None)
            for validator in field.validators
            if type(validator).__module__.startswith("django.")
        }
        for code, message in kind_messages(field).items():
            if code not in raised:
                # Not a code this field raises itself: a custom validator's own
                # message under that code must not be replaced.
                continue
            current = field.error_messages.get(code)
            if current is None or current == defaults.get(code):
                field.error_messages[code] = message
        field.error_messages.update(wanted)
    mismatch = getattr(form, "error_messages", {}).get("password_mismatch")
    if mismatch is not None and mismatch == SetPasswordMixin.error_messages.get(
        "password_mismatch"
    ):
        form.error_messages = {
            **form.error_messages,
            "password_mismatch": PASSWORD_MISMATCH,
        }


class FixMessagesMixin:
    """A form whose messages say how to fix each field (see ``fix_messages``).
    ``field_messages`` names the wording of the fields this form knows best."""

    field_messages: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fix_messages(self, self.field_messages)
