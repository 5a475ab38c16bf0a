"""A citizen reports an irregularity on their case (D15): through the real pages,
the report gets its own radicado, its event on the case's chain (the text sealed
under the citizen's key), an acknowledgement e-mail, and stays out of the
officers' sight."""

import re
import uuid

from django.urls import reverse
from django.utils import timezone

import pytest

from audit.models import AuditEvent
from audit.personal import Keyring, is_sealed
from audit.presentation import event_body
from procedures import services
from procedures.models import IrregularityReport, Notification

pytestmark = pytest.mark.django_db

OFFICER = "funcionario_shd"  # the case is filed at SDH
TEXT = (
    "El funcionario de la ventanilla me pidió 200.000 pesos para agilizar el trámite."
)
SCRIPT = "<script>alert('x')</script> y me pidieron un certificado que no aparece."


@pytest.fixture
def case(demo_user, rit_certificate):
    filed, _ = services.case_file(
        procedure=rit_certificate,
        applicant=demo_user("ciudadano"),
        answers={"identificacion": "900373913-4"},
        documents=[],
        submission_token=uuid.uuid4(),
    )
    return filed


@pytest.fixture
def citizen(client, case):
    client.force_login(case.applicant)
    return client


def _report_url(case) -> str:
    return reverse("mis_tramites:report", args=[case.radicado])


def _post(client, case, **data):
    return client.post(
        _report_url(case),
        {"submission_token": str(uuid.uuid4()), **data},
    )


def test_a_report_is_filed_on_the_trail_and_acknowledged_once(citizen, case):
    form_page = citizen.get(_report_url(case))
    assert "Bogotá Te Escucha" in form_page.content.decode()
    token = str(uuid.uuid4())
    data = {"category": "cobro", "text": TEXT, "submission_token": token}

    first = citizen.post(_report_url(case), data)
    again = citizen.post(_report_url(case), data)  # the double submit

    report = IrregularityReport.objects.get(case=case)
    assert re.fullmatch(rf"DEN-{timezone.now().year}-\d{{6}}", report.radicado)
    assert (report.category, report.text) == ("cobro", TEXT)
    confirmation = reverse(
        "mis_tramites:report_filed", args=[case.radicado, report.radicado]
    )
    assert first["Location"] == again["Location"] == confirmation

    [event] = AuditEvent.objects.filter(
        chain_key=case.audit_chain, action="case.irregularity_reported"
    )
    body = event_body(event)
    assert body["actor_username"] == case.applicant.username
    assert body["actor_role"] == "solicitante"
    assert body["details"] == {"category": "cobro", "report_radicado": report.radicado}
    assert is_sealed(body["after"]["text"])
    assert Keyring().open(body["after"]["text"]) == TEXT

    [mail] = Notification.objects.filter(dedupe_key__startswith="irregularity:")
    assert mail.recipient == case.applicant.email
    assert mail.case is None  # not listed on the case's pages (the officers' too)
    assert report.radicado in mail.subject
    local = timezone.localtime(report.created_at)
    assert f"{local:%d/%m/%Y %H:%M}" in mail.body
    assert "artículo 61" in mail.body
    assert TEXT not in mail.body

    page = citizen.get(confirmation).content.decode()
    assert "Reporte recibido" in page
    assert report.radicado in page
    assert f"{local:%d/%m/%Y %H:%M}" in page
    assert "https://bogota.gov.co/sdqs/" in page and "Línea 195" in page
    case_page = citizen.get(reverse("mis_tramites:case", args=[case.radicado]))
    assert (
        f"Usted reportó una irregularidad el {local:%d/%m/%Y %H:%M} "
        f"(radicado {report.radicado})" in case_page.content.decode()
    )


def test_invalid_input_is_shown_beside_its_field_with_the_text_kept(citizen, case):
    response = _post(citizen, case, text="Me <b>cobraron</b>")  # 18 characters
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert 'href="#id_category_0"' in page and 'href="#id_text"' in page
    assert "Elija qué tipo de irregularidad quiere reportar." in page
    assert "escriba al menos 20 caracteres (ahora tiene 18)" in page
    # Kept, escaped, in the text box.
    assert "Me &lt;b&gt;cobraron&lt;/b&gt;</textarea>" in page
    assert "<b>cobraron</b>" not in page
    assert not IrregularityReport.objects.filter(case=case).exists()


def test_script_like_text_is_kept_as_text_and_shown_escaped(citizen, case):
    response = _post(citizen, case, category="requisito", text=SCRIPT)
    report = IrregularityReport.objects.get(case=case)
    assert report.text == SCRIPT
    page = citizen.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<script>alert(" not in page


def test_only_the_applicant_reports_on_their_case(client, demo_user, case):
    for username in ("ciudadana2", OFFICER, "auditor"):
        client.force_login(demo_user(username))
        assert client.get(_report_url(case)).status_code == 404
        response = _post(client, case, category="cobro", text=TEXT)
        assert response.status_code == 404
    with pytest.raises(services.ReportRefused):
        services.irregularity_report(
            case,
            user=demo_user("ciudadana2"),
            category="cobro",
            text=TEXT,
            token=uuid.uuid4(),
        )
    assert not IrregularityReport.objects.filter(case=case).exists()
    assert not AuditEvent.objects.filter(
        chain_key=case.audit_chain, action="case.irregularity_reported"
    ).exists()


def test_the_auditor_reads_it_the_officers_pages_do_not(
    client, demo_user, citizen, case
):
    _post(citizen, case, category="cobro", text=TEXT)
    report = IrregularityReport.objects.get(case=case)
    client.force_login(demo_user(OFFICER))
    for url in (
        reverse("procedures_admin_case", args=[case.radicado]),
        reverse("mis_tramites:case", args=[case.radicado]),
    ):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 200 and case.radicado in page
        for hidden in (report.radicado, "200.000 pesos", "rregularidad"):
            assert hidden not in page, f"{url} shows {hidden!r}"
    client.force_login(demo_user("auditor"))
    trail = client.get(reverse("audit_timeline", args=[case.audit_chain]))
    page = trail.content.decode()
    assert "Irregularidad reportada por el ciudadano" in page
    assert report.radicado in page and "200.000 pesos" in page
