"""The applicant block of every filing form: prefilled from the account and profile,
never asked twice, and saved back to the profile only with consent."""

import uuid

import pytest

from accounts.models import ApplicantProfile
from procedures.models import Case

pytestmark = pytest.mark.django_db


def test_the_form_is_prefilled_and_changes_reach_the_profile_only_with_consent(
    client, demo_user, rit_certificate, rit_answers, pdf_file
):
    citizen = demo_user("ciudadano")
    profile = ApplicantProfile.objects.get(user=citizen)
    client.force_login(citizen)
    html = client.get(f"/tramites/{rit_certificate.slug}/radicar/").content.decode()
    assert f'value="{profile.document_number}"' in html
    assert (
        f'value="{citizen.email}"' in html and f'value="{citizen.first_name}"' in html
    )
    assert "Actualizar mis datos" in html

    def file(extra):
        token = uuid.uuid4()
        data = {**rit_answers, "doc_0": pdf_file(), "submission_token": str(token)}
        response = client.post(
            f"/tramites/{rit_certificate.slug}/radicar/", {**data, **extra}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        return Case.objects.get(submission_token=token)

    # Nothing of the block sent: the known facts are used, not asked again.
    case = file({})
    assert case.answers["solicitante_numero_documento"] == profile.document_number
    assert case.answers["solicitante_correo"] == citizen.email

    # A new address without consent: used for this case, the profile unchanged.
    case = file({"solicitante_direccion": "Calle 26 # 13-19"})
    assert case.answers["solicitante_direccion"] == "Calle 26 # 13-19"
    profile.refresh_from_db()
    assert profile.address == ""

    # With consent: the profile keeps the new phone, address and company.
    file(
        {
            "solicitante_direccion": "Carrera 7 # 32-16",
            "solicitante_telefono": "3109876543",
            "solicitante_actua": "empresa",
            "solicitante_empresa": "Panadería La Espiga S.A.S.",
            "solicitante_nit": "900373913-4",
            "solicitante_actualizar": "on",
        }
    )
    profile.refresh_from_db()
    assert (profile.address, profile.phone) == ("Carrera 7 # 32-16", "3109876543")
    assert profile.acts_for_company and profile.company_nit == "900373913-4"
    html = client.get(f"/tramites/{rit_certificate.slug}/radicar/").content.decode()
    assert 'value="Panadería La Espiga S.A.S."' in html


def test_a_bad_company_nit_is_answered_beside_the_field(
    client, demo_user, rit_certificate, rit_answers, pdf_file
):
    client.force_login(demo_user("ciudadano"))
    response = client.post(
        f"/tramites/{rit_certificate.slug}/radicar/",
        {
            **rit_answers,
            "doc_0": pdf_file(),
            "submission_token": str(uuid.uuid4()),
            "solicitante_actua": "empresa",
            "solicitante_empresa": "La Espiga",
            "solicitante_nit": "900373913-5",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div id="id_solicitante_nit_error"><p class="error">'
        '<span class="visually-hidden">Error:</span> El NIT no es válido' in html
    )
    assert not Case.objects.filter(applicant__username="ciudadano").exists()
