"""Each persona walks the wizard and gets one application with the expected procedures."""

import pytest

from formalization.models import Application, ApplicationItem


@pytest.mark.django_db
def test_persona_walks_the_wizard(wizard, persona):
    run = wizard()
    response = run.answer(persona)
    assert "/mis-tramites/solicitudes/VUE-" in response["Location"]
    application = Application.objects.get(draft__run_id=run.run_id)
    codes = list(application.items.values_list("code", flat=True))
    assert codes == persona["expected"]
    assert run.questions <= 45
    page = run.client.get(response["Location"])
    assert page.status_code == 200
    assert application.radicado in page.content.decode()
    filed = application.items.filter(state=ApplicationItem.State.FILED)
    # Free, prerequisite-less procedures are filed at submit (F01 always).
    assert filed.filter(code="F01").exists()
