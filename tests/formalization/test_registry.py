"""The registry of the 25 procedures is complete and agrees with the wizard's steps,
the upload formats, the fee tables and the obligations calendar. No database."""

import pytest

from catalog.document_formats import DocumentFormat
from formalization import fees, obligations, registry, steps

ALL_CODES = [f"F{n:02d}" for n in range(1, 26)]


def asked_by_steps() -> set[str]:
    return {name for step in steps.STEPS for name in step.form.base_fields}


def received(procedure) -> set[str]:
    return {*procedure.answers, *(key for _name, key in procedure.form_fields)}


def test_one_entry_per_code_in_order():
    assert [p.code for p in registry.PROCEDURES] == ALL_CODES
    assert list(registry.BY_CODE) == ALL_CODES


@pytest.mark.parametrize("procedure", registry.PROCEDURES, ids=ALL_CODES)
def test_entry_is_complete(procedure):
    assert callable(procedure.rule)
    # Every procedure sends its officers something to work on.
    assert received(procedure), procedure.code
    assert procedure.fee
    if procedure.needs_all:
        assert len(procedure.depends_on) > 1


@pytest.mark.parametrize("procedure", registry.PROCEDURES, ids=ALL_CODES)
def test_every_answer_received_is_asked_by_a_step(procedure):
    assert received(procedure) <= asked_by_steps(), procedure.code
    if procedure.administrator:
        assert procedure.administrator in procedure.answers


def test_steps_feed_exactly_the_procedures_that_receive_answers():
    fed = {code for step in steps.STEPS for code in step.feeds}
    assert fed == set(ALL_CODES)
    empresa = steps.BY_SLUG["empresa"].feeds
    assert "F03" in empresa and "F21" in empresa  # razon_social goes to both
    assert steps.BY_SLUG["resumen"].feeds == ()


def test_dependencies_exist_and_are_acyclic():
    def visit(code, path):
        assert code not in path, " → ".join((*path, code))
        for prerequisite in registry.BY_CODE[code].depends_on:
            assert prerequisite in registry.BY_CODE, (code, prerequisite)
            visit(prerequisite, (*path, code))

    for code in ALL_CODES:
        visit(code, ())


def test_documents_exist_use_the_upload_formats_and_go_to_a_procedure():
    used = {key for p in registry.PROCEDURES for key in p.documents}
    assert used == set(registry.DOCUMENTS)
    for key, document in registry.DOCUMENTS.items():
        assert document.key == key
        assert document.formats
        # The upload checker's own enum: no "jpg" where it knows "jpeg".
        assert all(isinstance(fmt, DocumentFormat) for fmt in document.formats)
        assert set(document.formats) <= set(DocumentFormat)
        assert 0 < document.max_mb <= 10
        assert str(document.label)


def test_documents_needed_follow_the_answers():
    person = {"tipo": "persona_natural", "tiene_establecimiento": False}
    assert registry.needed_documents(person) == ["documento_identidad"]
    sas_own_statutes = {"tipo": "sas", "estatutos_modelo": False}
    assert registry.needed_documents(sas_own_statutes) == [
        "documento_identidad",
        "estatutos",
    ]
    shop_with_sign = {**person, "tiene_establecimiento": True, "aviso_exterior": True}
    assert "diseno_aviso" in registry.needed_documents(shop_with_sign)
    assert registry.documents_for("F04") == ("documento_identidad", "estatutos")
    assert registry.documents_for("F99") == ()


def test_fee_keys_exist_in_the_fee_table():
    table = fees.tables()["procedures"]
    for procedure in registry.PROCEDURES:
        assert procedure.fee in table, procedure.code
        if table[procedure.fee]["kind"] == fees.COMPUTED:
            assert procedure.fee in fees._COMPUTED, procedure.code
    assert {p.fee for p in registry.PROCEDURES} == set(table)


def test_obligations_exist_and_each_follows_from_a_procedure():
    named = {key for p in registry.PROCEDURES for key in p.obligations}
    assert named == set(obligations.RECURRING)
    for recurring in obligations.RECURRING.values():
        if recurring.title_also:
            assert recurring.title_also[0] in registry.BY_CODE


def test_a_broken_entry_fails_at_import(monkeypatch):
    broken = registry.Procedure("F26", registry.rules.f08, depends_on=("F99",))
    procedures = (*registry.PROCEDURES, broken)
    monkeypatch.setattr(registry, "PROCEDURES", procedures)
    monkeypatch.setattr(registry, "BY_CODE", {p.code: p for p in procedures})
    with pytest.raises(ValueError, match="F26"):
        registry._check()
