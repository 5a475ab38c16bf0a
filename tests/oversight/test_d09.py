import datetime

from tests.oversight.trail import START, Trail

HOUR = datetime.timedelta(hours=1)
REQUIREMENTS = ("Documento de identidad", "Certificado de existencia")


def request(trail, *names):
    trail.file("R1", at=START, requirements=REQUIREMENTS)
    trail.act("R1", "tomar", at=START + HOUR, officer="7")
    return trail.act(
        "R1",
        "solicitar_informacion",
        at=START + 2 * HOUR,
        officer="7",
        details={"requested_documents": list(names)},
    )


def test_a_document_not_published_is_a_flag():
    trail = Trail()
    event = request(trail, "Documento de identidad", "Paz y salvo de la junta")

    [flag] = trail.findings("D9")

    assert flag.key == "D9:R1:3"
    assert flag.evidence == (event,)
    assert flag.radicados == ("R1",)
    assert flag.officer == "7"
    assert "«Paz y salvo de la junta»" in flag.summary
    assert "Documento de identidad" not in flag.summary


def test_published_names_in_other_case_and_spacing_are_no_flag():
    trail = Trail()
    request(trail, "  documento DE   identidad ", {"name": "CERTIFICADO de existencia"})
    assert trail.findings("D9") == []
