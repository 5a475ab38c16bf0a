"""The public verification of issued documents: /verificar/ and /verificar/<code>/.

Anyone holding a document may check it; nobody can list them. Codes carry 100 bits
(see authenticity), and a client that types wrong codes waits longer each time
(the throttle keeps a keyed digest of its address in the cache, nothing else).
The pages record nothing about who looked, and show only what the document itself
states about its origin: title, type, radicado, entity, date and hash.
"""

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.throttle import LoginThrottle, client_address

from . import authenticity

THROTTLE_KIND = "verificacion"


class VerifyForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"),
        max_length=40,
        help_text=_(
            "Está impreso en el documento, debajo del código QR: 20 letras y números, "
            "p. ej. 4F7KQ-M2XZ9-0HC3T-8WNRB."
        ),
        error_messages={
            "required": _("Escriba el código de verificación impreso en el documento.")
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "code"}
        ),
    )

    def clean_codigo(self):
        code = authenticity.code_normalize(self.cleaned_data["codigo"])
        if code is None:
            raise forms.ValidationError(
                _(
                    "El código tiene 20 letras y números (los guiones son opcionales). "
                    "Revise que lo copió completo."
                )
            )
        return code


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _throttle(request) -> LoginThrottle:
    return LoginThrottle.for_client(client_address(request), THROTTLE_KIND)


@never_cache
@require_GET
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect(
            "verify_document", authenticity.code_display(form.cleaned_data["codigo"])
        )
    return _private(render(request, "procedures/verify/form.html", {"form": form}))


def _issued_or_none(request, code: str):
    """(document or None, seconds to wait): a miss counts against the client, and
    while it must wait nothing is looked up."""
    throttle = _throttle(request)
    wait = throttle.wait_seconds()
    if wait:
        return None, wait
    issued = authenticity.issued_find(code)
    if issued is None:
        throttle.failed()
        wait = throttle.wait_seconds()
    return issued, wait


@never_cache
@require_GET
def verify_document(request, code):
    issued, wait = _issued_or_none(request, code)
    if issued is None:
        response = render(
            request,
            "procedures/verify/not_found.html",
            {"form": VerifyForm(initial={"codigo": code}), "wait": wait},
            status=429 if wait else 404,
        )
        if wait:
            response["Retry-After"] = str(wait)
        return _private(response)
    # The consolidated receipt grows as procedures are filed: an earlier copy is
    # still authentic, and the page says a later one exists.
    later = (
        type(issued)
        .objects.filter(
            radicado=issued.radicado,
            document_type=issued.document_type,
            issued_at__gt=issued.issued_at,
        )
        .order_by("-issued_at")
        .first()
    )
    return _private(
        render(
            request,
            "procedures/verify/document.html",
            {"issued": issued, "later": later},
        )
    )


@never_cache
@require_GET
def verify_download(request, code):
    """The file itself, only for an act public by nature."""
    issued, _wait = _issued_or_none(request, code)
    if issued is None or not issued.public or issued.case_document is None:
        raise Http404
    document = issued.case_document
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{issued.radicado}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _private(response)
