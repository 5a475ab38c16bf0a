"""The formalization application page shows «¿Quién ha consultado mi trámite?»: the
reads of the application itself and the reads and acts on each of its cases, merged
newest first; an auditor opening the page is recorded on the application's chain."""

import pytest

from audit.models import AuditEvent
from formalization.models import ApplicationItem
from procedures import services as case_services

from .helpers import act, restaurante_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_auditor_reads_and_officer_acts_show_on_the_application_page(
    client, restaurante, demo_user
):
    url = f"/mis-tramites/solicitudes/{restaurante.radicado}/"
    auditor = demo_user("auditor")
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # within the window: recorded once

    viewed = AuditEvent.objects.filter(action="formalization.application_viewed")
    assert [(e.chain_key, e.actor_username, e.radicado) for e in viewed] == [
        (restaurante.audit_chain, "auditor", restaurante.radicado)
    ]

    item = (
        ApplicationItem.objects.filter(application=restaurante, case__isnull=False)
        .select_related("case__entity", "procedure")
        .first()
    )
    officer = item.case.entity.officer_group.user_set.order_by("username").first()
    case_services.case_viewed(item.case, user=officer)
    act(item.case, officer, "tomar")

    client.force_login(demo_user("ciudadano"))
    page = client.get(url)
    rows = [(e.who, e.role, e.file, e.what) for e in page.context["access_log"]]
    officer_name = officer.get_full_name()
    officer_role = f"Funcionario(a) de {item.case.entity.name}"
    assert rows == [
        (officer_name, officer_role, item.procedure.title, "Tomó el caso para revisarlo"),
        (officer_name, officer_role, item.procedure.title, "Consultó el caso"),
        ("Andrés Torres", "Auditor(a)", "La solicitud", "Consultó la solicitud"),
    ]  # fmt: skip
    html = page.content.decode()
    assert "¿Quién ha consultado mi trámite?" in html and "Andrés Torres" in html
    # The applicant's own views are not recorded as reads.
    assert viewed.count() == 1
