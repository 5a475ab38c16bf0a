"""The wizard in-process, every request timed with its SQL through Django's test
Client; run by run.py with a broker no worker reads (tasks only enqueued).

    python -m bench.wizard.walk --params '{"runs": 4, "other_runs": 1}' --out r.json
"""

import collections
import re
import time
import uuid
from functools import partial

from bench.common import Broker, captured, module_main

STEP_URL = re.compile(r"/formaliza/([0-9a-f-]{36})/([a-z]+)/$")
CATALOG = re.compile(r"catalog_procedurepage|wagtailcore_page")  # Tables read.
WEBHOOK = "/formaliza/pagos/aviso/sandbox-pse/"
OFFICER = "bench_wizard_officer"
NAMES = {  # The business name of each run must be new (homonymy check, F01).
    "restaurante": "Sabores de la Sabana {} SAS",
    "tienda": "Tienda Doña Chepa {}",
    "sas_sin_local": "Código Andino {} S.A.S.",
    "agencia": "Rutas del Páramo {}",
}
KINDS = {"documentos": "documents", "confirmacion": "submit"}  # Else "step".
WARMUP_RUNS = 2  # Templates, code paths, connections.
PDF = (  # 20 kB, as a small scan.
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    + b"% relleno del documento escaneado de prueba 0123456789\n" * 362
    + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


class Walker:
    def __init__(self):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        from catalog.models import ProcedurePage
        from formalization.views import FormalizationWizard

        self.tag, self.run_index = uuid.uuid4().hex[:5], 0
        users = get_user_model()
        self.client = Client()
        self.client.force_login(users.objects.get(username="ciudadano"))  # A session.
        # One officer of every entity of F01-F25 (bench database only).
        self.officer, _ = users.objects.get_or_create(
            username=OFFICER,
            defaults={"email": f"{OFFICER}@bench.invalid", "is_staff": True},
        )
        procedures = ProcedurePage.objects.filter(code__regex=r"^F\d\d$")
        groups = procedures.values_list("entity__officer_group", flat=True)
        self.officer.groups.add(*{group for group in groups if group})
        self.broker = Broker(settings.CELERY_BROKER_URL)
        self.samples, self.record = [], False
        # Time the view's re-validation of every stored step, per request.
        self.evaluate = {"calls": 0, "ms": 0.0}
        original = FormalizationWizard._evaluate

        def timed_evaluate(view):
            started = time.perf_counter()
            try:
                return original(view)
            finally:
                self.evaluate["calls"] += 1
                self.evaluate["ms"] += (time.perf_counter() - started) * 1000

        FormalizationWizard._evaluate = timed_evaluate

    def timed(self, kind, label, call, *, application=None, persona="restaurante"):
        """``call`` timed with its SQL, the messages it published and, given the
        ``application``, what it filed."""
        before = self.filed(application) if application else set()
        queued = self.broker.queued()
        self.evaluate.update(calls=0, ms=0.0)
        with captured() as capture:
            response = call()
        queries = capture["queries"]
        row = {
            "kind": kind,
            "step": label,
            "persona": persona,
            "run": self.run_index,
            "ms": capture["ms"],
            "queries": len(queries),
            "enqueued": self.broker.queued() - queued,
            "evaluate_calls": self.evaluate["calls"],
            "evaluate_ms": round(self.evaluate["ms"], 2),
            "catalog_queries": sum(bool(CATALOG.search(q["sql"])) for q in queries),
        }
        if application:
            new = sorted(self.filed(application) - before)
            row.update(filed=len(new), filed_codes=new)
        if self.record:
            self.samples.append(row)
        return response, row

    def filed(self, application) -> set[str]:
        items = application.items.filter(state="radicado")
        return set(items.values_list("code", flat=True))

    def walk(self, persona):
        """One run of the wizard to the submit; returns the Application."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from formalization.models import Application
        from formalization.registry import needed_documents
        from tests.formalization.personas import PERSONAS, post_data

        self.run_index += 1
        start = partial(self.client.post, "/formaliza/")
        response, _row = self.timed("start", "start", start, persona=persona)
        match = STEP_URL.search(response.get("Location", ""))
        run_id = match and match.group(1)
        while match:
            step, url = match.group(2), match.group(0)
            get = partial(self.client.get, url)
            page, _row = self.timed("get", step, get, persona=persona)
            answers = dict(PERSONAS[persona]["steps"][step])
            if step == "empresa":
                name = NAMES[persona].format(f"{self.tag}{self.run_index}")
                answers["razon_social"] = name
            data = post_data(run_id.replace("-", ""), step, answers)
            kind = KINDS.get(step, "step")
            if kind == "documents":  # One PDF per document the answers ask for.
                for name in needed_documents(page.context_data["form"].answers):
                    pdf = SimpleUploadedFile(f"{name}.pdf", PDF, "application/pdf")
                    data[f"documentos-{name}"] = pdf
            post = partial(self.client.post, url, data)
            response, row = self.timed(kind, step, post, persona=persona)
            match = STEP_URL.search(response.get("Location", ""))
            stuck = match and match.group(2) == step  # The form came back invalid.
            if page.status_code != 200 or response.status_code != 302 or stuck:
                raise SystemExit(f"{persona}: {step} answered {response.status_code}")
        if run_id is None:
            raise SystemExit(f"POST /formaliza/ answered {response.status_code}")
        application = Application.objects.get(draft__run_id=run_id)
        items = dict(application.items.values_list("code", "state"))
        states = collections.Counter(items.values())
        row.update(  # The submit's.
            procedures=len(items),
            filed=states["radicado"],
            filed_codes=[code for code, state in items.items() if state == "radicado"],
            awaiting_payment=states["pendiente_pago"],
            waiting=states["en_espera"],
            status=application.status,
            total_due=str(application.total_due),
        )
        return application

    def pay(self, application) -> None:
        from formalization import payments

        payment = payments.payment_start(application)
        provider = payments.provider(payment.provider)
        body = provider.notice_body(payment, approved=True)
        signed = {"X-Sandbox-Signature": provider.sign(body)}
        notice = partial(
            self.client.post, WEBHOOK, body, "application/json", headers=signed
        )
        label = "aviso de pago aprobado"
        response, _row = self.timed("payment", label, notice, application=application)
        if response.status_code != 200:
            raise SystemExit(f"payment notice answered {response.status_code}")

    def approve(self, application, code) -> None:
        """The officer takes and approves the case of ``code``; the approval timed."""
        from procedures.services import case_act

        case = application.items.select_related("case").get(code=code).case
        act = partial(case_act, case.pk, actor=self.officer)
        if case.status == "radicado":
            case = act(action="tomar", expected_version=case.version)
        reason = "Cumple los requisitos (benchmark)."
        approval = partial(
            act, action="aprobar", expected_version=case.version, reason=reason
        )
        self.timed("approve", f"aprobar {code}", approval)

    def advance(self, application, label) -> dict:
        """What the queued advance_application task does, timed here."""
        from formalization.services import application_advance

        task = partial(application_advance, application)
        return self.timed("advance", label, task, application=application)[1]

    def cascade(self, application) -> dict:
        """Approve every filed, undecided case, advance; repeat until nothing moves."""
        waves, approved, record = [], {"F04"}, self.record
        while pending := sorted(self.filed(application) - approved):
            started, self.record = time.perf_counter(), False
            for code in pending:
                self.approve(application, code)
            approved.update(pending)
            approve_ms = (time.perf_counter() - started) * 1000
            wave, self.record = len(waves) + 2, record
            row = self.advance(application, f"ola {wave}: tras aprobar {len(pending)}")
            waves.append(
                {
                    "wave": wave,
                    "approved": pending,
                    "approve_all_ms": round(approve_ms, 1),
                    "advance_ms": round(row["ms"], 2),
                    "advance_queries": row["queries"],
                    "filed": row["filed_codes"],
                }
            )
        states = dict(application.items.values_list("code", "state"))
        return {"waves": waves, "final_states": states}

    def restaurante(self, *, cascade=False):
        application = self.walk("restaurante")
        self.pay(application)
        self.approve(application, "F04")
        self.advance(application, "tras aprobar F04")
        return self.cascade(application) if cascade else None


def measure(runs=32, other_runs=3, cascade_runs=3) -> dict:
    from django.core import mail

    from catalog.models import ProcedurePage
    from formalization.models import Application
    from procedures.models import CaseDocument
    from tests.formalization.personas import PERSONAS

    walker = Walker()
    for _ in range(WARMUP_RUNS):
        walker.restaurante()
    started, walker.record, cascades = time.perf_counter(), True, []
    for i in range(runs):
        cascades.append(walker.restaurante(cascade=i < cascade_runs))
    for key in sorted(set(PERSONAS) - {"restaurante"}):
        for _ in range(other_runs):
            walker.walk(key)
    seconds = time.perf_counter() - started
    return {
        # Nothing a task does happened here: every task is still in the broker.
        "async_check": {
            "acknowledgement_pdfs": CaseDocument.objects.filter(kind="acuse").count(),
            "receipts": Application.objects.exclude(receipt="").count(),
            "emails_sent": len(getattr(mail, "outbox", [])),
            "queued_messages": walker.broker.queued(),
        },
        "seconds": round(seconds, 1),
        "warmup_runs": WARMUP_RUNS,
        "samples": walker.samples,
        "cascades": [c for c in cascades if c is not None],
        "catalog_live_procedures": ProcedurePage.objects.live().count(),
    }


if __name__ == "__main__":
    module_main(measure)
