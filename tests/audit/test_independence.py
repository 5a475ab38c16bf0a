"""Audit sits at the bottom of the import direction and knows no other app's words:
other apps register their labels and timeline panels with it."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

import pytest

from audit.registry import AuditRegistry

AUDIT = Path(settings.BASE_DIR) / "audit"
OTHER_APPS = {"accounts", "catalog", "cms", "formalization", "oversight", "procedures"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_audit_imports_no_other_app():
    sources = sorted(AUDIT.rglob("*.py"))
    assert len(sources) > 20
    upward = {
        f"{path.relative_to(AUDIT)}: {module}"
        for path in sources
        for module in imported_modules(path)
        if module.split(".")[0] in OTHER_APPS
    }
    assert not upward


def test_audit_templates_reach_only_audit_and_wagtail_admin():
    templates = sorted((AUDIT / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text()
        for name in re.findall(r"{%\s*url\s+['\"]([^'\"]+)['\"]", text):
            assert name.startswith("audit_"), (path.name, name)
        for name in re.findall(r"{%\s*(?:include|extends)\s+['\"]([^'\"]+)['\"]", text):
            assert name.startswith(("audit/", "wagtailadmin/")), (path.name, name)


def test_an_unregistered_action_or_field_reads_as_its_code():
    registry = AuditRegistry()
    registry.has_scanned = True
    registry.register_actions({"report.sent": "Informe enviado"})
    registry.register_fields({"sent_on": "Fecha de envío"})
    assert registry.action_label("report.sent") == "Informe enviado"
    assert registry.action_label("report.lost") == "report.lost"
    assert registry.field_label("sent_on") == "Fecha de envío"
    assert registry.field_label("copies_left") == "Copies left"


def test_two_apps_cannot_label_one_field_two_ways():
    registry = AuditRegistry()
    registry.register_fields({"status": "Estado"})
    registry.register_fields({"status": "Estado"})
    with pytest.raises(ImproperlyConfigured):
        registry.register_fields({"status": "Situación"})


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("audit.viewed", "Consulta de auditoría"),
        ("case.filed", "Trámite radicado"),
        ("payment.aprobado", "Pago aprobado por el banco"),
        ("formalization.step_saved", "Paso del formulario guardado"),
        ("account.created", "Cuenta creada"),
        ("auth.2fa_failed", "Segundo factor rechazado"),
    ],
)
def test_each_app_registers_its_actions_through_the_hook(action, label):
    from audit.registry import registry

    assert registry.action_label(action) == label
