import pytest

pytestmark = pytest.mark.browser


def test_home_search_matricula_then_procedure_page(page, assert_accessible):
    page.goto("/")
    assert_accessible(page)
    page.get_by_label("¿Qué trámite necesita?").fill("matricula")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tramites/?q=matricula")
    assert (
        page.get_by_role("heading", level=2, name="trámites encontrados").is_visible()
        or page.locator("#results-title").is_visible()
    )
    assert_accessible(page)
    link = page.get_by_role(
        "link", name="Matrícula mercantil de persona natural", exact=False
    ).first
    link.click()
    page.wait_for_load_state()
    assert (
        page.locator("h1")
        .inner_text()
        .startswith("Matrícula mercantil de persona natural")
    )
    assert page.get_by_role("link", name="Radicar en línea", exact=True).is_visible()
    assert_accessible(page)


def test_catalog_facets_are_keyboard_usable(page, assert_accessible):
    page.goto("/tramites/")
    count_before = page.locator("#results-title").inner_text()
    facet = page.locator(".facet a", has_text="Crear empresa").first
    facet.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**evento=crear-empresa**")
    assert page.locator("#results-title").inner_text() != count_before
    assert_accessible(page)


def test_empty_search_suggests_alternatives(page, assert_accessible):
    page.goto("/tramites/?q=matricula+qwertyzz")
    assert page.get_by_text("No encontramos trámites").is_visible()
    assert page.get_by_text("Quizás le sirvan estos trámites").is_visible()
    assert_accessible(page)
    # A typo: "¿Quiso decir…?" in the catalog's words, then the promoted procedure.
    page.goto("/tramites/?q=camara+comersio")
    page.get_by_role("link", name="cámara de comercio", exact=True).click()
    page.wait_for_url("**q=c%C3%A1mara+de+comercio**")
    first = page.locator(".procedure-card").first
    assert "Recomendado para su búsqueda" in first.inner_text()
    assert "Matrícula mercantil de persona natural" in first.inner_text()
    assert_accessible(page)
