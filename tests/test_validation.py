"""Key/value rules (IsQualifiedName, IsValidLabelValue) and ValidateLabelSelector."""

from __future__ import annotations

import pytest

from labelselector import (
    validate_label_key,
    validate_label_selector,
    validate_label_value,
    validate_labels,
)
from labelselector.errors import FieldError, go_quote

NAME_RE = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
NAME = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    f"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{NAME_RE}')"
)
PREFIX = (
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
KEY = (
    "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    f"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{NAME_RE}') "
    "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
)
VALUE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


@pytest.mark.parametrize(
    "key",
    [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        "a" * 63,
        "a" * 253 + "/" + "b" * 63,
    ],
)
def test_good_keys(key: str) -> None:
    assert validate_label_key(key) == []


@pytest.mark.parametrize(
    ("key", "messages"),
    [
        ("", ["name part must be non-empty", NAME]),
        ("nospecialchars%^=@", [NAME]),
        ("cantendwithadash-", [NAME]),
        ("-cantstartwithadash", [NAME]),
        ("only/one/slash", [KEY]),
        ("Example.com/abc", [PREFIX]),
        ("example_com/abc", [PREFIX]),
        ("example.com/", ["name part must be non-empty", NAME]),
        ("/simple", ["prefix part must be non-empty"]),
        ("example.com/!~", [NAME]),
        ("a" * 64, ["name part must be no more than 63 bytes"]),
        ("a" * 63 + "-", ["name part must be no more than 63 bytes", NAME]),
        ("a" * 254 + "/b", ["prefix part must be no more than 253 bytes"]),
        ("A" * 254 + "/b", ["prefix part must be no more than 253 bytes", PREFIX]),
        ("abc\n", [NAME]),  # Go's $ only matches at the true end
        ("caf\u00e9", [NAME]),
    ],
)
def test_bad_keys(key: str, messages: list[str]) -> None:
    assert validate_label_key(key) == messages


@pytest.mark.parametrize("value", ["", "simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a" * 63, "A_b.c-1"])
def test_good_values(value: str) -> None:
    assert validate_label_value(value) == []


@pytest.mark.parametrize(
    ("value", "messages"),
    [
        ("nospecialchars%^=@", [VALUE]),
        ("Tama-nui-te-rā.is.Māori.sun", [VALUE]),
        ("\\backslashes\\are\\bad", [VALUE]),
        ("-starts-with-dash", [VALUE]),
        ("ends-with-dash-", [VALUE]),
        (".starts.with.dot", [VALUE]),
        ("ends.with.dot.", [VALUE]),
        ("a/b", [VALUE]),
        ("a" * 64, ["must be no more than 63 bytes"]),
        ("a" * 63 + "-", ["must be no more than 63 bytes", VALUE]),
        ("é" * 32, ["must be no more than 63 bytes", VALUE]),  # 64 bytes, 32 characters
    ],
)
def test_bad_values(value: str, messages: list[str]) -> None:
    assert validate_label_value(value) == messages


def s(errors: list[FieldError]) -> list[str]:
    return [str(e) for e in errors]


def test_validate_label_selector_table() -> None:
    assert validate_label_selector(None) == []
    assert validate_label_selector({}) == []
    assert validate_label_selector({"matchLabels": {"a": "b"}, "matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]}) == []
    assert s(validate_label_selector({"matchExpressions": [{"key": "k", "operator": "In"}]}, "spec.selector")) == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
    ]
    assert s(validate_label_selector({"matchExpressions": [{"key": "k", "operator": "NotIn", "values": []}]})) == [
        "selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
    ]
    assert s(validate_label_selector({"matchExpressions": [{"key": "k", "operator": "Exists", "values": ["a"]}]})) == [
        "selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
    ]
    assert s(validate_label_selector({"matchExpressions": [{"key": "k", "operator": "abc"}]}, "labelSelector")) == [
        'labelSelector.matchExpressions[0].operator: Invalid value: "abc": not a valid selector operator'
    ]
    assert s(validate_label_selector({"matchExpressions": [{"key": "k", "operator": "in", "values": ["a"]}]})) == [
        'selector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator'
    ]
    # Every error is reported, one per message, keys without the key in the path for matchLabels.
    errs = validate_label_selector(
        {
            "matchLabels": {"-x": "a b", "ok": "ok"},
            "matchExpressions": [
                {"key": "example.com/", "operator": "In", "values": ["-a", "ok", "b" * 64]},
                {"key": "k", "operator": "DoesNotExist"},
            ],
        },
        "spec.selector",
    )
    assert s(errs) == [
        f'spec.selector.matchLabels: Invalid value: "-x": {NAME}',
        f'spec.selector.matchLabels: Invalid value: "a b": {VALUE}',
        'spec.selector.matchExpressions[0].key: Invalid value: "example.com/": name part must be non-empty',
        f'spec.selector.matchExpressions[0].key: Invalid value: "example.com/": {NAME}',
        f'spec.selector.matchExpressions[0].values[0]: Invalid value: "-a": {VALUE}',
        f'spec.selector.matchExpressions[0].values[2]: Invalid value: "{"b" * 64}": must be no more than 63 bytes',
    ]
    assert [e.type for e in errs] == ["Invalid value"] * 6


def test_validate_label_selector_options() -> None:
    sel = {"matchExpressions": [{"key": "k", "operator": "Foo", "values": ["-a"]}]}
    assert len(validate_label_selector(sel)) == 2
    assert validate_label_selector(sel, allow_unknown_operator=True, allow_invalid_label_value=True) == []


def test_validate_labels_non_strings() -> None:
    assert s(validate_labels({"a": True, "b": 1, "c": None, "ok": "x"}, "metadata.labels")) == [
        "metadata.labels[a]: Invalid value: true: label value must be a string",
        "metadata.labels[b]: Invalid value: 1: label value must be a string",
        "metadata.labels[c]: Invalid value: null: label value must be a string",
    ]
    assert s(validate_labels(["a"], "metadata.labels")) == [
        'metadata.labels: Invalid value: ["a"]: must be a map of string to string'
    ]


def test_go_quote() -> None:
    assert go_quote("a b") == '"a b"'
    assert go_quote('q"\\') == '"q\\"\\\\"'
    assert go_quote("\x00\x7f\t\n\v") == '"\\x00\\x7f\\t\\n\\v"'
    assert go_quote("Māori") == '"Māori"'
    assert go_quote("\u00a0\u200b") == '"\\u00a0\\u200b"'


def test_field_error_rendering() -> None:
    assert str(FieldError("Invalid value", None, "x", "bad")) == '<nil>: Invalid value: "x": bad'
    assert str(FieldError("Invalid value", "values", None, "d")) == "values: Invalid value: null: d"
    assert str(FieldError("Invalid value", "values", [], "d")) == "values: Invalid value: []: d"
    assert str(FieldError("Invalid value", "values", ["<a>&"], "d")) == 'values: Invalid value: ["\\u003ca\\u003e\\u0026"]: d'


def test_json_bad_values_escape_line_separators_like_go() -> None:
    # Found by the differential run against Kubernetes (docs/differential.md): Go's
    # encoding/json always writes U+2028/U+2029 as escapes.
    assert str(FieldError("Invalid value", "values", ["\u2028", "a\u2029"], "d")) == (
        'values: Invalid value: ["\\u2028","a\\u2029"]: d'
    )
    from labelselector import SelectorValidationError, from_label_selector

    try:
        from_label_selector({"matchExpressions": [{"key": "x", "operator": "Exists", "values": ["\u2028"]}]})
    except SelectorValidationError as err:
        assert err.message.startswith('[values: Invalid value: ["\\u2028"]: values set must be empty')
        assert 'values[0][x]: Invalid value: "\\u2028": ' in err.message  # %q escapes it too
    else:
        raise AssertionError("expected an error")


def test_go_quote_uses_go_unicode_15_tables_on_every_python() -> None:
    # Kubernetes is built with Go's Unicode 15.0 tables; Python 3.11 has 14.0, 3.13 has 15.1.
    assert go_quote("\U0001f6dc") == '"\U0001f6dc"'  # added in Unicode 15.0: printable in Go
    assert go_quote("\u2ffc") == '"\\u2ffc"'  # added in Unicode 15.1: unassigned for Go
    assert go_quote("\u2028\u00ad") == '"\\u2028\\u00ad"'  # line separator, soft hyphen (Cf)
    assert go_quote("a b~") == '"a b~"'


def test_unicode_table_agrees_with_python_except_for_version_changes() -> None:
    """The pinned table differs from this Python only where Unicode versions differ:
    code points this (older) Python has not assigned yet, or (newer Python) ones Go's
    15.0 tables do not know. On CPython 3.12 (Unicode 15.0.0) they agree exactly."""
    import unicodedata

    from labelselector.errors import _go_printable

    version = tuple(int(x) for x in unicodedata.unidata_version.split("."))
    differ = 0
    for cp in range(0x110000):
        category = unicodedata.category(chr(cp))
        python_says = cp == 0x20 or category[0] in "LMNPS"
        if _go_printable(cp) == python_says:
            continue
        differ += 1
        if _go_printable(cp):
            assert version < (15, 0, 0) and category == "Cn", hex(cp)
        else:
            assert version > (15, 0, 0), hex(cp)
    if version == (15, 0, 0):
        assert differ == 0
    else:
        assert 0 < differ < 10_000
