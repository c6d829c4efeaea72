"""The site in a real browser: search in Spanish, contacts hidden, compare, keyboard."""

from __future__ import annotations

import re

from playwright.sync_api import expect

VENICE_FORM = "gp-677ca9702549"  # San Luis Potosí, "Conecta con tu familia"
MEDELLIN = "gp-994a9e78f1f3"
MEDELLIN_TITLE = (
    "Acompañamiento familiar para la superación de la pobreza multidimensional y monetaria"
)
JALISCO = "gp-515854abdbe8"


def test_spanish_reader_searches_and_opens_medellin(new_page, screenshot):
    page = new_page(locale="es-ES")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Ir al contenido")).to_be_attached()
    screenshot(page, "home")

    box = page.get_by_label("Buscar prácticas")
    box.fill("apoyo a familias monoparentales")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=apoyo"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Prácticas que coinciden con «apoyo a familias monoparentales»"
    )
    result = page.locator("ul.practices > li").filter(has_text="Medellín")
    expect(result).to_have_count(1)
    screenshot(page, "search-results")

    result.get_by_role("link", name=MEDELLIN_TITLE).click()
    expect(page).to_have_url(re.compile(f"/practices/{MEDELLIN}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MEDELLIN_TITLE)
    expect(page.locator("html")).to_have_attribute("lang", "es")
    screenshot(page, "practice")


def test_anonymous_reader_does_not_see_contacts(new_page):
    page = new_page()
    response = page.goto(f"/practices/{VENICE_FORM}")
    assert response is not None and response.ok
    expect(page.locator("main")).to_contain_text("San Luis Potosí")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conecta con tu familia")
    assert "Rocio Moreno" not in page.content()
    expect(page.get_by_text("Rocio Moreno")).to_have_count(0)


def test_compare_two_practices(new_page, screenshot):
    page = new_page()
    page.goto("/compare")
    page.locator(f"#c-{MEDELLIN}").check()
    page.locator(f"#c-{JALISCO}").check()
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(f"ids={MEDELLIN}"))
    expect(page).to_have_url(re.compile(f"ids={JALISCO}"))
    table = page.locator("main table")
    expect(table).to_contain_text("COP per household")
    expect(table.get_by_role("link", name=MEDELLIN_TITLE)).to_be_visible()
    screenshot(page, "compare")


def test_practice_page_keyboard(new_page):
    page = new_page()
    page.goto(f"/practices/{MEDELLIN}")
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "() => { const e = document.activeElement;"
                " return (e.id ? '#' + e.id : e.tagName.toLowerCase())"
                " + '|' + (e.className || '') + '|' + (e.textContent || '').trim(); }"
            )
        )
        if reached[-1].startswith("#q|"):
            break
    assert reached[0] == "a|skip|Skip to content", reached
    assert reached[-1].startswith("#q|"), reached
    # the skip link is shown when focused and leads to the main content
    for _ in range(len(reached) - 1):
        page.keyboard.press("Shift+Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_pages_load_their_stylesheet(new_page):
    """The site's CSS is served, so the skip link stays off-screen until it is focused."""
    page = new_page()
    styles = []

    def keep(response) -> None:
        if response.request.resource_type == "stylesheet":
            styles.append(response)

    page.on("response", keep)
    page.goto("/")
    assert styles, "the page links no stylesheet"
    for response in styles:
        assert response.ok, f"stylesheet {response.url} answered {response.status}"
        assert response.headers.get("content-type", "").startswith("text/css"), response.url
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
