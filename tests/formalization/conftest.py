import re

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from tests.procedures.conftest import MINIMAL_PDF

from .personas import PERSONAS, post_data

STEP_URL = re.compile(r"/formaliza/([0-9a-f-]{36})/([a-z]+)/$")


def documents_for(step_answers: dict, needed) -> dict:
    files = {}
    for name in needed:
        files[f"documentos-{name}"] = SimpleUploadedFile(
            f"{name}.pdf", MINIMAL_PDF, content_type="application/pdf"
        )
    return files


class WizardRun:
    """Walks the wizard through the test client as a browser without JavaScript."""

    def __init__(self, client):
        self.client = client
        response = client.post("/formaliza/")
        assert response.status_code == 302, response
        match = STEP_URL.search(response["Location"])
        self.run_id, self.step = match.group(1), match.group(2)
        self.questions = 0

    @property
    def hex(self):
        return self.run_id.replace("-", "")

    def url(self, step=None):
        return f"/formaliza/{self.run_id}/{step or self.step}/"

    def post(self, step, answers, files=None):
        data = post_data(self.hex, step, answers)
        data.update(files or {})
        return self.client.post(self.url(step), data)

    def answer(self, persona: dict, *, stop_before=None):
        """Answer step after step until submitted (or ``stop_before``); the response."""
        from formalization.registry import needed_documents

        while True:
            if self.step == stop_before:
                return None
            page = self.client.get(self.url())
            assert page.status_code == 200, (self.step, page.status_code)
            form = page.context["form"]
            self.questions += len(form.fields)
            answers = persona["steps"][self.step]
            files = None
            if self.step == "documentos":
                files = documents_for(answers, needed_documents(form.answers))
            response = self.post(self.step, answers, files)
            assert response.status_code == 302, (
                self.step,
                response.status_code,
                response.context and response.context["form"].errors,
            )
            match = STEP_URL.search(response["Location"])
            if match is None:
                return response
            self.step = match.group(2)


@pytest.fixture
def wizard(client, demo_user):
    def start(username="ciudadano"):
        client.force_login(demo_user(username))
        return WizardRun(client)

    return start


@pytest.fixture(params=sorted(PERSONAS))
def persona(request):
    return PERSONAS[request.param]
