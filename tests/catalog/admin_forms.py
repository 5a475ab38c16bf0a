"""Rebuild the POST a browser sends from Wagtail's rendered page edit form.

Plain fields come from the form's rendered inputs. StreamFields are drawn by the
admin's JavaScript from the state in ``data-w-block-arguments-value``; this turns that
state into the inputs the JavaScript would create, walking the model's own block
definitions (the same prefixes as Wagtail's ``value_from_datadict``)."""

import html
import json
from html.parser import HTMLParser

from wagtail import blocks


class _FormControls(HTMLParser):
    """The named controls of one form, and each StreamField's state, by field name."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self.streams: dict[str, list] = {}
        self._select = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        if "data-w-block-arguments-value" in attrs and attrs.get("id"):
            state = json.loads(html.unescape(attrs["data-w-block-arguments-value"]))
            self.streams[attrs["id"]] = state[0]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append(
                (name, attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            # The HTML parser keeps the newline that follows <textarea>; browsers drop it.
            self.data.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside = False


def _stream_inputs(block, state, prefix: str, out: list) -> None:
    if isinstance(block, blocks.StreamBlock):
        out.append((f"{prefix}-count", str(len(state))))
        for index, child in enumerate(state):
            item = f"{prefix}-{index}"
            out += [
                (f"{item}-type", child["type"]),
                (f"{item}-id", child.get("id") or ""),
                (f"{item}-deleted", ""),
                (f"{item}-order", str(index)),
            ]
            _stream_inputs(
                block.child_blocks[child["type"]], child["value"], f"{item}-value", out
            )
    elif isinstance(block, blocks.ListBlock):
        out.append((f"{prefix}-count", str(len(state))))
        for index, child in enumerate(state):
            item = f"{prefix}-{index}"
            out += [
                (f"{item}-id", child.get("id") or ""),
                (f"{item}-deleted", ""),
                (f"{item}-order", str(index)),
            ]
            _stream_inputs(block.child_block, child["value"], f"{item}-value", out)
    elif isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            _stream_inputs(child, state.get(name), f"{prefix}-{name}", out)
    elif isinstance(block, blocks.BooleanBlock):
        if state:
            out.append((prefix, "on"))
    elif isinstance(state, list):
        out += [(prefix, str(value)) for value in state]
    else:
        out.append((prefix, "" if state is None else str(state)))


def edit_form_data(page_model, content: str, form_id: str = "page-edit-form") -> dict:
    """The POST data of the edit form in ``content``: a dict of lists."""
    parser = _FormControls(form_id)
    parser.feed(content)
    assert parser.streams, "no StreamField found in the edit form"
    pairs = list(parser.data)
    for name, state in parser.streams.items():
        block = page_model._meta.get_field(name).stream_block
        _stream_inputs(block, state, name, pairs)
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data
