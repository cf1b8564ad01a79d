"""kubectl's display forms: selectors (<none>, <error>) and label sets (FormatLabels)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import labelselector as ls
from labelselector.display import format_labels, parse_labels

from .strategies import keys, values


@given(st.dictionaries(keys, values, max_size=5))
def test_labels_round_trip(labels: dict[str, str]) -> None:
    shown = format_labels(labels)
    assert (shown == "<none>") == (not labels)
    assert parse_labels(shown) == labels
    if labels:  # the display form is also a selector that matches exactly these values
        assert ls.parse(shown).matches(labels)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("app", 'labels: Invalid value: "app": expected key=value'),
        ("a=1,a=2", 'labels[a]: Invalid value: "a=2": duplicate key'),
        ("bad key=1", 'labels: Invalid value: "bad key": name part must consist of'),
        ("a=b c", 'labels[a]: Invalid value: "b c": a valid label must be'),
        ("", 'labels: Invalid value: "": expected key=value'),
        ("a=1,", 'labels: Invalid value: "": expected key=value'),
    ],
)
def test_parse_labels_errors(text: str, message: str) -> None:
    with pytest.raises(ls.SelectorValidationError) as exc:
        parse_labels(text)
    assert exc.value.message.startswith(message)


def test_format_label_selector_forms() -> None:
    assert ls.format_label_selector("b, a=1") == "a=1,b"
    assert ls.format_label_selector(ls.Selector.nothing()) == "<none>"
    assert ls.format_label_selector({"matchLabels": {"a": "b c"}}) == "<error>"
    with pytest.raises(ls.SelectorError):
        ls.format_label_selector("a=b c")  # a string that does not parse has no display form
    with pytest.raises(TypeError):
        ls.parse_display(None)  # type: ignore[arg-type]
    with pytest.raises(ls.SelectorValidationError, match="<error>"):
        ls.parse_display("<error>")
