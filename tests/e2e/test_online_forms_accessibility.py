"""axe reports no violations on a sample of the online filing forms (one in ten of
the fileable procedures, at least 20), blank and after an empty submission; the
"show if" questions start hidden and appear when their answer is given."""

import pytest

from catalog.seed import read_procedures

from .test_case_journey import citizen_login

pytestmark = pytest.mark.browser


def sample() -> list[dict]:
    rows = sorted(
        (r for r in read_procedures() if r["online"]), key=lambda r: r["code"]
    )
    picked = rows[::10]
    if len(picked) < 20:
        picked = rows[: max(20, len(picked))]
    return picked


def test_a_sample_of_online_forms_has_no_axe_violations(page, assert_accessible):
    from playwright.sync_api import expect

    rows = sample()
    assert len(rows) >= 20
    citizen_login(page)
    for position, row in enumerate(rows):
        page.goto(f"/tramites/{row['slug']}/radicar/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Radicar en línea")
        assert_accessible(page)
        if position % 5 == 0:  # the error state too, on some of them
            page.get_by_role("button", name="Radicar solicitud").click()
            expect(page.get_by_role("alert")).to_be_visible()
            assert_accessible(page)
        conditional = [f for f in row["online"]["form"] if f.get("show_if")]
        if conditional:
            child = conditional[0]
            parent = next(
                f
                for f in row["online"]["form"]
                if f["name"] == child["show_if"]["field"]
            )
            wrapper = page.locator(f'[data-show-if-field="q_{parent["name"]}"]').first
            if parent["field_type"] in ("yes_no", "choice") and not parent.get(
                "show_if"
            ):
                expect(wrapper).to_be_hidden()
