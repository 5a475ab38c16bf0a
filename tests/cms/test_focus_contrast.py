"""The focus indicator contrasts at least 3:1 with every background it may appear on
(WCAG 2.2, 1.4.11 and 2.4.13; issue 13.4). The colours are read from site.css itself:
its custom properties (the last definition wins, as in the browser) and every
background it paints."""

import re
from pathlib import Path

CSS = (
    Path(__file__).resolve().parents[2] / "cms" / "static" / "css" / "site.css"
).read_text()
HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def custom_properties(css: str) -> dict[str, str]:
    values = {}
    for block in re.findall(r":root\s*\{([^}]*)\}", css):
        for name, value in re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", block):
            values[name] = value.strip()
    return values


PROPERTIES = custom_properties(CSS)


def colour(value: str) -> str | None:
    """A declaration's colour as #rrggbb, following var(); None if it is not one."""
    value = value.strip()
    found = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if found:
        return colour(PROPERTIES[found.group(1)])
    if value in ("#fff", "white"):
        return "#ffffff"
    if HEX.fullmatch(value):
        if len(value) == 4:
            return "#" + "".join(c * 2 for c in value[1:])
        return value.lower()
    return None


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def backgrounds(css: str) -> set[str]:
    """Every colour site.css paints as a background, and the page's own."""
    found = {"#ffffff"}
    for value in re.findall(r"background(?:-color)?\s*:\s*([^;}]+)", css):
        first = value.split()[0] if not value.startswith("var(") else value
        painted = colour(first)
        if painted is not None:
            found.add(painted)
    return found


def test_the_contrast_formula_gives_the_issue_s_figure_for_the_old_outline():
    assert round(contrast("#ffbf47", "#ffffff"), 2) == 1.64
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0


def test_the_focus_colours_are_gov_uk_s_yellow_and_black():
    assert colour(PROPERTIES["--focus"]) == "#ffdd00"
    assert colour(PROPERTIES["--focus-ink"]) == "#0b0c0c"
    # The two bands of the indicator tell apart from each other as well.
    assert contrast("#ffdd00", "#0b0c0c") >= 3


def test_on_every_background_one_band_of_the_indicator_contrasts_3_to_1():
    focus, ink = colour(PROPERTIES["--focus"]), colour(PROPERTIES["--focus-ink"])
    painted = backgrounds(CSS)
    # The header's dark blue, the light tints and white are all there.
    assert {
        "#ffffff",
        colour(PROPERTIES["--blue-dark"]),
        colour(PROPERTIES["--bg-soft"]),
    } <= painted
    weak = {
        background: round(
            max(contrast(focus, background), contrast(ink, background)), 2
        )
        for background in painted
        if max(contrast(focus, background), contrast(ink, background)) < 3
    }
    assert not weak


def test_every_focus_rule_uses_the_two_colours():
    # A later rule with another colour would win in the browser.
    rules = re.findall(r"([^{}]*:focus(?:-visible)?[^{}]*)\{([^}]*)\}", CSS)
    assert rules
    for selector, body in rules:
        for value in re.findall(
            r"(?:outline|box-shadow|background(?:-color)?)\s*:\s*([^;]+)", body
        ):
            colours = {
                colour(token)
                for token in re.findall(r"var\([^)]*\)|#[0-9a-fA-F]{3,6}\b", value)
            }
            assert colours <= {"#ffdd00", "#0b0c0c"}, (selector.strip(), value)
