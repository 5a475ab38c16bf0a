"""Issue 9 point 7: the auditor console says what it verified (no checkpoint claimed
when none exists), and the PDF export keeps every column on the page, with the IP
and the full hash (a real WeasyPrint PDF read back with pypdf)."""

import io
import re

import pytest
from pypdf import PdfReader

from audit import context, record
from audit.models import Checkpoint

pytestmark = pytest.mark.django_db

LONG_URL = "https://www.shd.gov.co/shd/" + "segmento-sin-espacios-" * 12 + "fin"
LONG_TEXT = " ".join(f"palabra{n}" for n in range(160))
IP = "203.0.113.45"


@pytest.fixture
def auditor_client(client, demo_user):
    client.force_login(demo_user("auditor"))
    return client


@pytest.fixture
def history(demo_user):
    token = context.bind(
        ip=IP, user_agent="Mozilla/5.0 (Prueba)", request_id="solicitud-1234"
    )
    try:
        events = [
            record(
                action="case.filed",
                subject_type="case",
                subject_id="77",
                radicado="SDH-2026-000077",
                after={"status": "radicado", "enlace": LONG_URL},
            ),
            record(
                action="case.transition",
                subject_type="case",
                subject_id="77",
                radicado="SDH-2026-000077",
                actor=demo_user("funcionario_shd"),
                before={"status": "radicado", "observacion": ""},
                after={"status": "en_revision", "observacion": LONG_TEXT},
            ),
        ]
    finally:
        context.reset(token)
    return "case:77", events


def test_integrity_page_does_not_claim_checkpoints_that_do_not_exist(
    auditor_client, history, make_checkpoint
):
    assert not Checkpoint.objects.exists()
    html = auditor_client.post("/admin/auditoria/integridad/").content.decode()
    assert "Íntegra:" in html
    assert "Aún no hay puntos de control firmados" in html
    assert "puntos de control verificados" not in html
    assert "0 puntos de control" not in html

    make_checkpoint()
    html = auditor_client.post("/admin/auditoria/integridad/").content.decode()
    assert "Se verificó 1 punto de control firmado." in html
    assert "Aún no hay puntos de control firmados" not in html


def test_timeline_names_the_checkpoint_only_when_one_covers_the_chain(
    auditor_client, history, make_checkpoint
):
    chain_key, _events = history
    url = f"/admin/auditoria/cadena/{chain_key}/"
    html = auditor_client.get(url).content.decode()
    assert "Cadena íntegra: 2 eventos verificados (hashes y secuencia)." in html
    assert "Aún no hay un punto de control firmado que incluya esta cadena." in html

    checkpoint = make_checkpoint()
    html = auditor_client.get(url).content.decode()
    assert f"punto de control firmado #{checkpoint.pk}" in html
    assert "Aún no hay un punto de control" not in html


def _runs(page):
    """(x, y, text) of every text run on a page, in page coordinates."""
    runs = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, y, text))

    page.extract_text(visitor_text=visit)
    return runs


def test_pdf_export_is_landscape_and_keeps_changes_ip_and_hash_on_the_page(
    auditor_client, history
):
    chain_key, events = history
    response = auditor_client.get(f"/admin/auditoria/cadena/{chain_key}/exportar.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    text = ""
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height, "landscape"
        for x, y, run in _runs(page):
            assert 0 <= x < width and 0 <= y <= height, (x, y, run)
        text += page.extract_text()
    flat = re.sub(r"\s+", "", text)

    assert IP in text
    for event in events:
        assert event.hash in flat, "the full hash of every event"
    assert LONG_URL in flat, "a long value wraps; nothing is cut"
    assert "palabra159" in flat and "palabra0" in flat
    assert "solicitud-1234" in flat
    assert "Aún no hay un punto de control firmado" in text
