"""The wizard in-process: every step POST, the submit, the payment notice and the
officers' approvals, timed one by one through Django's test Client.

    python -m bench.wizard.walk --runs 40 --other-runs 3 --cascade-runs 5 --out r.json

Started by bench/wizard/run.py with CELERY_BROKER_URL pointing at a Redis database
no worker reads: tasks (acknowledgement PDFs, receipt, e-mails, advance_application)
are only enqueued, as in production. The runner refuses to go on if they ran eagerly.

Per run: ``POST /formaliza/`` (start), then for each step the GET the browser does
after the redirect and the step POST (``formaliza_<run>-current_step`` and the
step's fields), the documents step with small PDFs, and the final POST of
``confirmacion`` (the submit). For the "restaurante" runs, then: the pending payment
(``payments.payment_start``) and its approved notice posted to the webhook with a
valid sandbox signature (files the paid procedures); an officer takes and approves
the F04 case (``procedures.services.case_act``), and the task it enqueues,
``services.application_advance``, is run here and timed (files the dependents of
F04). With ``--cascade-runs``, every filed case is then approved wave after wave
until the application has filed all it can.
"""

import collections
import cProfile
import io
import pstats
import re
import time
import uuid

from bench.common import Broker, captured, module_main

STEP_URL = re.compile(r"/formaliza/([0-9a-f-]{36})/([a-z]+)/$")
WEBHOOK = "/formaliza/pagos/aviso/sandbox-pse/"
APPLICANT = "ciudadano"
OFFICER = "bench_wizard_officer"
PERSONA_NAMES = {  # The business name of each run must be new (homonymy check, F01).
    "restaurante": "Sabores de la Sabana {tag} SAS",
    "tienda": "Tienda Doña Chepa {tag}",
    "sas_sin_local": "Código Andino {tag} S.A.S.",
    "agencia": "Rutas del Páramo {tag}",
}
WARMUP_RUNS = 2  # Restaurante runs before timing: templates, code paths, connections.


def _normalize_sql(sql: str) -> str:
    """SQL with its literals replaced, to spot the same query repeated in a request."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    return re.sub(r"\b\d+\b", "?", sql)


def _repeated(queries: list[dict]) -> list[dict]:
    counts = collections.Counter(_normalize_sql(q["sql"]) for q in queries)
    return [{"times": n, "sql": sql[:400]} for sql, n in counts.most_common() if n > 1]


class Walker:
    def __init__(self, tag: str):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.test import Client

        from bench.filing.filing import pdf_bytes
        from catalog.models import ProcedurePage
        from tests.formalization.personas import PERSONAS

        self.tag = tag
        self.personas = PERSONAS
        self.pdf = pdf_bytes(20_000)
        user_model = get_user_model()
        self.applicant = user_model.objects.get(username=APPLICANT)
        self.client = Client()  # enforce_csrf_checks=False: the default.
        self.client.force_login(self.applicant)  # A real session row, as a login.
        # One officer of every entity of F01-F25 (bench database only): takes and
        # approves the cases so that their dependents get filed.
        self.officer, _created = user_model.objects.get_or_create(
            username=OFFICER,
            defaults={"email": f"{OFFICER}@bench.invalid", "is_staff": True},
        )
        groups = (
            ProcedurePage.objects.filter(code__regex=r"^F\d\d$")
            .values_list("entity__officer_group", flat=True)
            .distinct()
        )
        self.officer.groups.add(*Group.objects.filter(pk__in=list(groups)))
        self.broker = Broker(settings.CELERY_BROKER_URL)
        self.evaluate = {"calls": 0, "ms": 0.0}
        self._time_evaluate()
        self.samples: list[dict] = []  # One row per timed request.
        self.sql_examples: dict[str, list[dict]] = {}  # First restaurante run's SQL.
        self.run_index = 0

    def _time_evaluate(self) -> None:
        """Time the view's re-validation of every stored step (``_evaluate``) per
        request: bench process only, the method itself is unchanged."""
        from formalization.views import FormalizationWizard

        original = FormalizationWizard._evaluate
        if getattr(original, "bench_timed", False):
            return
        counter = self.evaluate

        def timed_evaluate(view):
            started = time.perf_counter()
            try:
                return original(view)
            finally:
                counter["calls"] += 1
                counter["ms"] += (time.perf_counter() - started) * 1000

        timed_evaluate.bench_timed = True
        FormalizationWizard._evaluate = timed_evaluate

    # -- one request ------------------------------------------------------------------

    def timed(self, kind, label, call, *, persona, keep_sql=False, **extra):
        queued = self.broker.queued()
        self.evaluate.update(calls=0, ms=0.0)
        with captured() as capture:
            response = call()
        elapsed, queries = capture["ms"], capture["queries"]
        enqueued = self.broker.queued() - queued
        row = {
            "kind": kind,
            "step": label,
            "persona": persona,
            "run": self.run_index,
            "ms": elapsed,
            "queries": len(queries),
            "enqueued": enqueued,
            "evaluate_calls": self.evaluate["calls"],
            "evaluate_ms": round(self.evaluate["ms"], 2),
            # The catalog is read once per request at most (the submit's pages).
            "catalog_queries": sum(
                1
                for q in queries
                if "catalog_procedurepage" in q["sql"] or "wagtailcore_page" in q["sql"]
            ),
            **extra,
        }
        if keep_sql:
            self.sql_examples[f"{persona} {kind}:{label}"] = [
                {"sql": q["sql"], "ms": float(q["time"]) * 1000} for q in queries
            ]
            row["repeated_sql"] = _repeated(queries)
            row["task_names"] = self.broker.task_names(enqueued)
        return response, row

    # -- a run of the wizard --------------------------------------------------------------

    def answers_for(self, persona_key: str, step: str, run_tag: str) -> dict:
        answers = dict(self.personas[persona_key]["steps"][step])
        if step == "empresa":
            answers["razon_social"] = PERSONA_NAMES[persona_key].format(tag=run_tag)
        return answers

    def documents(self, persona_key: str) -> dict:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from formalization.forms import needed_documents

        raw = {
            k: v
            for step in self.personas[persona_key]["steps"].values()
            for k, v in step.items()
        }
        answers = {
            "tipo": raw.get("tipo"),
            "estatutos_modelo": {"si": True, "no": False}.get(
                raw.get("estatutos_modelo")
            ),
            "tiene_establecimiento": raw.get("tiene_establecimiento") == "si",
            "aviso_exterior": raw.get("aviso_exterior") == "si",
        }
        return {
            f"documentos-{name}": SimpleUploadedFile(
                f"{name}.pdf", self.pdf, content_type="application/pdf"
            )
            for name in needed_documents(answers)
        }

    def walk(self, persona_key: str, *, record: bool, keep_sql: bool = False):
        """One run of the wizard to the submit; returns the Application."""
        from formalization.models import Application
        from tests.formalization.personas import post_data

        self.run_index += 1
        run_tag = f"{self.tag}{self.run_index}"
        rows = []
        response, row = self.timed(
            "start",
            "start",
            lambda: self.client.post("/formaliza/"),
            persona=persona_key,
        )
        rows.append(row)
        match = STEP_URL.search(response.get("Location", ""))
        if response.status_code != 302 or not match:
            raise SystemExit(f"POST /formaliza/ answered {response.status_code}")
        run_id, step = match.group(1), match.group(2)
        run_hex = run_id.replace("-", "")
        while True:
            url = f"/formaliza/{run_id}/{step}/"
            page, row = self.timed(
                "get", step, lambda u=url: self.client.get(u), persona=persona_key
            )
            rows.append(row)
            if page.status_code != 200:
                raise SystemExit(f"GET {url} answered {page.status_code}")
            data = post_data(
                run_hex, step, self.answers_for(persona_key, step, run_tag)
            )
            kind = "step"
            if step == "documentos":
                data.update(self.documents(persona_key))
                kind = "documents"
            elif step == "confirmacion":
                kind = "submit"
            response, row = self.timed(
                kind,
                step,
                lambda u=url, d=data: self.client.post(u, d),
                persona=persona_key,
                keep_sql=keep_sql,
            )
            rows.append(row)
            if response.status_code != 302:
                raise SystemExit(
                    f"{persona_key}: POST {step} answered {response.status_code} "
                    f"(form errors?)"
                )
            match = STEP_URL.search(response["Location"])
            if match is None:
                break
            if match.group(2) == step:
                raise SystemExit(f"{persona_key}: POST {step} did not move on")
            step = match.group(2)
        application = Application.objects.get(draft__run_id=run_id)
        items = list(application.items.values_list("code", "state"))
        rows[-1].update(
            procedures=len(items),
            filed=sum(1 for _code, state in items if state == "radicado"),
            filed_codes=[code for code, state in items if state == "radicado"],
            awaiting_payment=sum(1 for _c, s in items if s == "pendiente_pago"),
            waiting=sum(1 for _c, s in items if s == "en_espera"),
            status=application.status,
            total_due=str(application.total_due),
        )
        if record:
            self.samples.extend(rows)
        return application

    # -- after the submit -------------------------------------------------------------------

    def filed_codes(self, application) -> set[str]:
        return set(
            application.items.filter(state="radicado").values_list("code", flat=True)
        )

    def pay(self, application, *, record: bool, keep_sql=False) -> None:
        from formalization import payments

        payment = payments.payment_start(application)
        provider = payments.provider(payment.provider)
        body = provider.notice_body(payment, approved=True)
        signature = provider.sign(body)
        before = self.filed_codes(application)
        response, row = self.timed(
            "payment",
            "aviso de pago aprobado",
            lambda: self.client.post(
                WEBHOOK,
                body,
                content_type="application/json",
                HTTP_X_SANDBOX_SIGNATURE=signature,
            ),
            persona="restaurante",
            keep_sql=keep_sql,
        )
        if response.status_code != 200:
            raise SystemExit(f"payment notice answered {response.status_code}")
        after = self.filed_codes(application)
        row.update(filed=len(after - before), filed_codes=sorted(after - before))
        if record:
            self.samples.append(row)

    def approve(self, application, code: str, *, record: bool, keep_sql=False):
        """The officer takes and approves the case of ``code`` (two requests' work)."""
        from procedures import services as case_services

        item = application.items.select_related("case").get(code=code)
        case = item.case
        if case is None:
            raise SystemExit(f"{code} was not filed; cannot approve it")
        version = case.version
        if case.status == "radicado":
            case = case_services.case_act(
                case.pk, actor=self.officer, action="tomar", expected_version=version
            )
            version = case.version
        _case, row = self.timed(
            "approve",
            f"aprobar {code}",
            lambda: case_services.case_act(
                case.pk,
                actor=self.officer,
                action="aprobar",
                expected_version=version,
                reason="Cumple los requisitos (benchmark).",
            ),
            persona="restaurante",
            keep_sql=keep_sql,
        )
        if record:
            self.samples.append(row)
        return row

    def advance(self, application, label, *, record: bool, keep_sql=False) -> dict:
        """What the queued advance_application task does, timed here."""
        from formalization import services

        filed, row = self.timed(
            "advance",
            label,
            lambda: services.application_advance(application),
            persona="restaurante",
            keep_sql=keep_sql,
        )
        row.update(filed=len(filed), filed_codes=sorted(filed))
        if record:
            self.samples.append(row)
        return row

    def cascade(self, application, *, record: bool) -> list[dict]:
        """Approve every filed, undecided case, advance; repeat until nothing moves."""
        waves = []
        approved = {"F04"}
        wave = 1
        while True:
            pending = sorted(self.filed_codes(application) - approved)
            if not pending:
                break
            wave += 1
            started = time.perf_counter()
            for code in pending:
                self.approve(application, code, record=False)
                approved.add(code)
            approve_ms = (time.perf_counter() - started) * 1000
            row = self.advance(
                application, f"ola {wave}: tras aprobar {len(pending)}", record=record
            )
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
        return waves, states

    def restaurante(self, *, record: bool, cascade: bool, keep_sql=False):
        application = self.walk("restaurante", record=record, keep_sql=keep_sql)
        self.pay(application, record=record, keep_sql=keep_sql)
        self.approve(application, "F04", record=record, keep_sql=keep_sql)
        self.advance(application, "tras aprobar F04", record=record, keep_sql=keep_sql)
        if cascade:
            return self.cascade(application, record=record)
        return None


def profile_run(walker: Walker, top: int) -> dict:
    """cProfile of one restaurante run's requests (not counted in the figures)."""
    profiler = cProfile.Profile()
    profiler.enable()
    walker.walk("restaurante", record=False)
    profiler.disable()
    out = {}
    for key in ("cumulative", "tottime"):
        buffer = io.StringIO()
        stats = pstats.Stats(profiler, stream=buffer)
        stats.sort_stats(key).print_stats(top)
        out[key] = buffer.getvalue()
    # Project code only, by cumulative time: where the app spends it.
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(r"formalization/", top)
    out["project_cumulative"] = buffer.getvalue()
    return out


def measure(args) -> dict:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("CELERY_TASK_ALWAYS_EAGER is on: set CELERY_BROKER_URL")
    walker = Walker(tag=uuid.uuid4().hex[:5])
    for _ in range(WARMUP_RUNS):
        walker.restaurante(record=False, cascade=False)
    started = time.perf_counter()
    cascades = []
    for i in range(args.runs):
        result = walker.restaurante(
            record=True, cascade=i < args.cascade_runs, keep_sql=i == 0
        )
        if result is not None:
            waves, states = result
            cascades.append({"waves": waves, "final_states": states})
    others = {}
    for key in sorted(walker.personas):
        if key == "restaurante":
            continue
        for i in range(args.other_runs):
            application = walker.walk(key, record=True, keep_sql=i == 0)
            others.setdefault(key, application.items.count())
    seconds = time.perf_counter() - started
    profile = profile_run(walker, args.profile_top) if args.profile_top else None
    return {
        "async_check": async_check(walker),
        "eager_tasks": settings.CELERY_TASK_ALWAYS_EAGER,
        "seconds": round(seconds, 1),
        "warmup_runs": WARMUP_RUNS,
        "samples": walker.samples,
        "cascades": cascades,
        "sql_examples": walker.sql_examples,
        "profile": profile,
        "catalog_live_procedures": _live_procedures(),
    }


def async_check(walker: Walker) -> dict:
    """Nothing a task does happened here: no acknowledgement PDF, no receipt, no
    e-mail sent; every task is still in the broker's queue."""
    from django.core import mail

    from formalization.models import Application
    from procedures.models import CaseDocument

    return {
        "acknowledgement_pdfs": CaseDocument.objects.filter(kind="acuse").count(),
        "receipts": Application.objects.exclude(receipt="").count(),
        "emails_sent": len(getattr(mail, "outbox", [])),
        "queued_messages": walker.broker.queued(),
    }


def _live_procedures() -> int:
    from catalog.models import ProcedurePage

    return ProcedurePage.objects.live().count()


def arguments(add) -> None:
    add("--runs", type=int, default=40)
    add("--other-runs", type=int, default=3)
    add("--cascade-runs", type=int, default=5)
    add("--profile-top", type=int, default=30)


def main() -> None:
    module_main("bench.wizard.settings", arguments, measure)


if __name__ == "__main__":
    main()
