"""The recipes of docs/jumpstarter.md, run against cases from jumpstarter's own tests.

The functions are defined in the guide's code blocks (executed here, as written). The
cases come from jumpstarter's ``client/selectors_test.py`` and its robustness tests, and
from the controller's ``api/v1alpha1/lease_helpers_test.go`` (``ParseLabelSelector``,
``LeaseFromProtobuf``, ``ValidateLeaseTags``); where our answer differs from
jumpstarter's, the test says why.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import labelselector as ls

from .strategies import label_sets, selectors

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "jumpstarter.md"


def _recipes() -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": "jumpstarter_recipes"}
    for code in re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S):
        exec(compile(code, str(GUIDE), "exec"), ns)
    return ns


R = _recipes()
parse_label_selector = R["parse_label_selector"]
parse_lease_selector = R["parse_lease_selector"]
match_labels_filter = R["match_labels_filter"]
selector_contains = R["selector_contains"]
selector_option = R["selector_option"]
get_leases = R["get_leases"]
parse_label_options = R["parse_label_options"]
validate_lease_tags = R["validate_lease_tags"]
reusable = R["reusable"]
Lease = R["Lease"]
filter_leases = R["filter_leases"]


# --- parse_label_selector ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["a>x", "a=1,", "é", "bad key=1", "-bad=1", "a=b c", "invalid===syntax", "x in (a", "a=b,,c=d", ",a"],
)
def test_parse_label_selector_refuses_what_jumpstarter_dropped(text: str) -> None:
    # jumpstarter's regex parser skipped these (or parts of them); the controller rejects them.
    with pytest.raises(ls.SelectorError):
        parse_label_selector(text)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("x in(a)", "x in (a)"), ("a=", "a="), ("a==", "a=="), ("env in ()", "env in ()"), ("a=1,a=2", "a=1,a=2")],
)
def test_parse_label_selector_keeps_what_jumpstarter_lost(text: str, canonical: str) -> None:
    assert str(parse_label_selector(text)) == canonical


@given(st.text(max_size=30))
def test_parse_label_selector_never_crashes(text: str) -> None:
    # jumpstarter's robustness test, with the stronger contract: a Selector or a SelectorError.
    try:
        assert isinstance(parse_label_selector(text), ls.Selector)
    except ls.SelectorError:
        pass


@pytest.mark.parametrize("bad", [b"key=value", 42, None, 1.5])
def test_parse_label_selector_non_strings(bad: object) -> None:
    with pytest.raises(TypeError):
        parse_label_selector(bad)


@pytest.mark.parametrize("op", ["", "invalid", "=", "bogus", "!exists"])
def test_unknown_operators_raise_value_error(op: str) -> None:
    # jumpstarter's TestLabelSatisfiesExpressionUnknownOperator: our AST refuses them.
    with pytest.raises(ValueError, match=re.escape(repr(op))):
        ls.Requirement("key", op, ["value"])


# --- the controller's ParseLabelSelector (lease_helpers_test.go) -----------------------

CONTROLLER_CASES: list[tuple[str, dict[str, Any]]] = [
    ("app=myapp", {"matchLabels": {"app": "myapp"}}),
    ("app=myapp,env=prod", {"matchLabels": {"app": "myapp", "env": "prod"}}),
    ("app = myapp , env = prod", {"matchLabels": {"app": "myapp", "env": "prod"}}),
    ("revision!=v3", {"matchExpressions": [{"key": "revision", "operator": "NotIn", "values": ["v3"]}]}),
    (
        "board-type=qc8775,revision!=v3",
        {"matchLabels": {"board-type": "qc8775"}, "matchExpressions": [{"key": "revision", "operator": "NotIn", "values": ["v3"]}]},
    ),
    (
        "revision!=v3,board-type!=qc8774",
        {
            "matchExpressions": [
                {"key": "board-type", "operator": "NotIn", "values": ["qc8774"]},
                {"key": "revision", "operator": "NotIn", "values": ["v3"]},
            ]
        },
    ),
    ("env in (prod,staging)", {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "staging"]}]}),
    ("env notin (dev,test)", {"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev", "test"]}]}),
    ("app", {"matchExpressions": [{"key": "app", "operator": "Exists"}]}),
    ("!app", {"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}),
    ("app=myapp,env!=prod", {"matchLabels": {"app": "myapp"}, "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["prod"]}]}),
    ("", {}),
    ("version=v1.2.3,label=my-label", {"matchLabels": {"version": "v1.2.3", "label": "my-label"}}),
    ("board_type=qc8775,device_id=123", {"matchLabels": {"board_type": "qc8775", "device_id": "123"}}),
    ("a=1,a=1", {"matchLabels": {"a": "1"}}),
    ("key!=value1,key!=value2", {"matchExpressions": [{"key": "key", "operator": "NotIn", "values": ["value1", "value2"]}]}),
    ("key!=value1,key!=value1", {"matchExpressions": [{"key": "key", "operator": "NotIn", "values": ["value1"]}]}),
    ("key!=value1,key!=value2,key!=value1", {"matchExpressions": [{"key": "key", "operator": "NotIn", "values": ["value1", "value2"]}]}),
    ("key!=,key!=", {"matchExpressions": [{"key": "key", "operator": "NotIn", "values": [""]}]}),
]


@pytest.mark.parametrize(("text", "want"), CONTROLLER_CASES, ids=[c[0] or "empty" for c in CONTROLLER_CASES])
def test_parse_lease_selector_controller_table(text: str, want: dict[str, Any]) -> None:
    assert parse_lease_selector(text) == want


def test_parse_lease_selector_all_operator_types() -> None:
    got = parse_lease_selector("app=myapp,revision!=v3,env in (prod,staging),!debug")
    assert got["matchLabels"] == {"app": "myapp"} and len(got["matchExpressions"]) == 3


@pytest.mark.parametrize("text", ["invalid===syntax", "x>1", "a=1,a=2"])
def test_parse_lease_selector_errors(text: str) -> None:
    with pytest.raises(ls.SelectorError) as exc:
        parse_lease_selector(text)
    if text == "a=1,a=2":  # the controller's product rule; Kubernetes would accept it
        assert "cannot have multiple equality requirements" in exc.value.message and "'a'" in exc.value.message
        assert str(ls.parse(text)) == "a=1,a=2" and not ls.is_satisfiable(text)


def test_parse_lease_selector_round_trips() -> None:
    sel = ls.from_label_selector(parse_lease_selector("board-type=qc8775,revision!=v3"))
    assert not sel.matches({"board-type": "qc8775", "revision": "v3"})
    assert sel.matches({"board-type": "qc8775", "revision": "v2"})
    for text in ("key!=value1,key!=value1", "key!=,key!="):
        formatted = ls.format_label_selector(parse_lease_selector(text))
        assert ls.format_label_selector(parse_lease_selector(formatted)) == formatted
    sel = ls.from_label_selector(parse_lease_selector("revision!=v3"))
    assert sel.matches({"revision": "v2"}) and sel.matches({"revision": "v4"})
    assert not sel.matches({"revision": "v3"}) and not sel.matches({"revision": "v3", "other": "value"})


@pytest.mark.parametrize(
    ("text", "mirrored"),
    [("board-type=virtual,env=test", {"board-type": "virtual", "env": "test"}), ("env!=prod", {}), ("board=rpi4", {"board": "rpi4"})],
)
def test_parse_lease_selector_labels_mirrored_on_the_lease(text: str, mirrored: dict[str, str]) -> None:
    # LeaseFromProtobuf copies matchLabels into metadata.labels: what the server filters on.
    assert parse_lease_selector(text).get("matchLabels", {}) == mirrored


@settings(max_examples=100)
@given(selectors(gt_lt=False))
def test_parse_lease_selector_keeps_meaning(sel: ls.Selector) -> None:
    text = str(sel)
    try:
        stored = parse_lease_selector(text)
    except ls.SelectorValidationError:
        # only the controller's product rule refuses a parsable selector
        equal = [(r.key, r.values[0]) for r in sel if r.spelling in ("=", "==")]
        assert len({k for k, _ in equal}) < len(set(equal))
        return
    assert ls.same_selector(ls.from_label_selector(stored), sel)


# --- extract_match_labels_filter -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (None, None),
        ("", None),
        ("board=rpi", "board=rpi"),
        ("env=test,board=rpi", "board=rpi,env=test"),
        ("board==rpi,firmware in (v2,v3),!x", "board==rpi"),
        ("revision!=v3", None),
        ("a=1,a=2", "a=1,a=2"),  # jumpstarter sent "a=2" (last wins): a wider filter
        ("a=", "a="),  # jumpstarter dropped it
    ],
)
def test_match_labels_filter(text: str | None, want: str | None) -> None:
    assert match_labels_filter(text) == want


@settings(max_examples=100)
@given(selectors(), label_sets)
def test_match_labels_filter_never_narrows(sel: ls.Selector, labels: dict[str, str]) -> None:
    # Whatever the full filter selects, the server-side part selects too.
    server = match_labels_filter(str(sel))
    if sel.matches(labels):
        assert server is None or ls.parse(server).matches(labels)


# --- selector_contains (selectors_test.py) ---------------------------------------------

CONTAINS_CASES = [
    ("board=rpi", "board=rpi", True),
    ("board=rpi,env=prod", "board=rpi", True),
    ("board=jetson", "board=rpi", False),
    ("firmware in (v2, v3)", "firmware in (v2, v3)", True),
    ("board=rpi,firmware in (v2, v3)", "board=rpi", True),
    ("board=rpi,firmware in (v2, v3)", "firmware in (v2, v3)", True),
    ("board=rpi,firmware in (v2, v3)", "board=rpi,firmware in (v2, v3)", True),
    ("board=rpi", "firmware in (v2, v3)", False),
    ("board=rpi,!experimental", "!experimental", True),
    ("board=rpi", "!experimental", True),
    ("board=rpi,firmware in (v2, v3)", "", True),
    ("board=rpi", "board in (rpi, jetson)", True),
    ("board=rpi", "board in (jetson, nano)", False),
    ("board=rpi", "board notin (jetson, nano)", True),
    ("board=rpi", "board notin (rpi, nano)", False),
    ("board=rpi", "board = rpi", True),
    ("board=rpi", "board =rpi", True),
    ("board=rpi", "board= rpi", True),
    ("firmware!=v3", "firmware != v3", True),
]


@pytest.mark.parametrize(("lease", "flt", "want"), CONTAINS_CASES)
def test_selector_contains_jumpstarter_table(lease: str, flt: str, want: bool) -> None:
    assert selector_contains(lease, flt) is want


@pytest.mark.parametrize(
    ("lease", "flt", "want", "jumpstarter"),
    [
        ("board in (rpi)", "board=rpi", True, False),  # equivalent selectors
        ("firmware in (v3,v2)", "firmware in (v2,v3,v4)", True, False),  # a narrower set entails a wider one
        ("board=rpi", "firmware!=v3", True, False),  # != holds when the key is absent (Kubernetes' rule)
        ("x>5", "x>3", True, False),
    ],
)
def test_selector_contains_where_we_differ(lease: str, flt: str, want: bool, jumpstarter: bool) -> None:
    assert selector_contains(lease, flt) is want


@pytest.mark.parametrize("flt", ["board=rpi,", "a>x", "bad key"])
def test_selector_contains_refuses_invalid_filters(flt: str) -> None:
    with pytest.raises(ls.SelectorError):
        selector_contains("board=rpi", flt)


@settings(max_examples=100)
@given(selectors(max_size=3), selectors(max_size=3))
def test_selector_contains_is_at_least_entailment(lease: ls.Selector, flt: ls.Selector) -> None:
    if ls.implies(lease, flt):
        assert selector_contains(str(lease), str(flt))


# --- the -l option ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "want"),
    [
        ((), None),
        (("",), None),
        (("  ",), None),
        (("board=rpi", ""), "board=rpi"),  # jumpstarter sent "board=rpi," (a syntax error)
        (("env=prod", "board=rpi"), "board=rpi,env=prod"),
        (("revision!=v3",), "revision!=v3"),
        (("a in (x, y)", "!b"), "a in (x,y),!b"),
    ],
)
def test_selector_option_callback(values: tuple[str, ...], want: str | None) -> None:
    assert selector_option(None, None, values) == want


def test_selector_option_in_a_command() -> None:
    runner = CliRunner()
    ok = runner.invoke(get_leases, ["-l", "env=prod", "-l", "", "-l", "board in (rpi, jetson)"])
    assert ok.exit_code == 0 and ok.output == "'board in (jetson,rpi),env=prod'\n"
    bad = runner.invoke(get_leases, ["-l", "board=rpi", "-l", "env=prod,"])
    assert bad.exit_code == 2
    assert "Invalid value for '-l' / '--selector'" in bad.output
    assert "found '', expected: identifier after ','" in bad.output


# --- --label / --tag (ValidateLeaseTags) -----------------------------------------------


def test_label_options() -> None:
    assert parse_label_options(("a=b", "c=", "example.com/d=e")) == {"a": "b", "c": "", "example.com/d": "e"}
    for bad, text in [
        (("novalue",), "expected key=value"),
        (("a=b", "a=c"), "given twice"),
        (("bad key=1",), 'labels: Invalid value: "bad key"'),
        (("a=" + "v" * 64,), "must be no more than 63 bytes"),
    ]:
        with pytest.raises(click.BadParameter, match=re.escape(text)):
            parse_label_options(bad)
    assert parse_label_options(("a=b", "a=b")) == {"a": "b"}


def test_lease_tags_controller_table() -> None:
    assert validate_lease_tags({}) == []
    assert validate_lease_tags({"team": "devops", "ci-job": "12345", "env": "staging"}) == []
    assert any("too many tags" in p for p in validate_lease_tags({f"key{i}": "value" for i in range(11)}))
    assert validate_lease_tags({f"key{i}": "value" for i in range(10)}) == []
    assert validate_lease_tags({"k" * 63: "v" * 63}) == []
    assert validate_lease_tags({"a" * 64: "value"}) == ['tags: Invalid value: "' + "a" * 64 + '": name part must be no more than 63 bytes']
    assert validate_lease_tags({"key": "v" * 64}) == ['tags: Invalid value: "' + "v" * 64 + '": must be no more than 63 bytes']
    assert validate_lease_tags({"invalid key!": "value"})[0].startswith('tags: Invalid value: "invalid key!": name part must consist of')
    assert validate_lease_tags({"key": "invalid value!"})[0].startswith('tags: Invalid value: "invalid value!": a valid label must be')
    assert validate_lease_tags({"jumpstarter.dev/custom": "value"}) == ["tag key 'jumpstarter.dev/custom' uses a reserved prefix"]
    assert validate_lease_tags({"metadata.jumpstarter.dev/team": "value"}) == [
        "tag key 'metadata.jumpstarter.dev/team' uses a reserved prefix"
    ]
    # A product rule: Kubernetes accepts the prefixed key, jumpstarter does not.
    assert ls.validate_labels({"team/env": "value"}) == []
    assert validate_lease_tags({"team/env": "value"}) == ["tag key 'team/env' must not contain '/'"]


# --- lease reuse -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "server", "want"),
    [
        ("env=prod,board=rpi", "board=rpi,env=prod", True),
        ("board = rpi", "board=rpi", True),
        ("board in (rpi)", "board=rpi", True),
        ("revision!=v3,revision!=v4", "revision notin (v3,v4)", True),
        ("", "<none>", True),
        ("board=rpi", "<none>", False),
        ("board=rpi", "board=rpi,env=prod", False),
        ("x!=a", "x,x!=a", False),
    ],
)
def test_lease_reuse(requested: str, server: str, want: bool) -> None:
    assert reusable(requested, server) is want


def test_lease_reuse_error_display() -> None:
    with pytest.raises(ls.SelectorValidationError, match="<error>"):
        reusable("board=rpi", "<error>")


@settings(max_examples=100)
@given(selectors())
def test_lease_reuse_any_requirement_order(sel: ls.Selector) -> None:
    parts = [str(r) for r in sel.requirements]
    random.Random(len(parts)).shuffle(parts)
    requested = ", ".join(parts)
    assert reusable(requested, ls.format_label_selector(sel))


@settings(max_examples=100)
@given(selectors())
def test_display_round_trip(sel: ls.Selector) -> None:
    shown = ls.format_label_selector(sel)
    assert (shown == "<none>") == (not sel.requirements)
    assert ls.parse_display(shown) == (sel if sel.requirements else ls.Selector.everything())
    assert ls.parse_display("<none>", none=ls.Selector.nothing()) is ls.Selector.nothing()


# --- the lease model -------------------------------------------------------------------


def test_lease_model_keeps_match_expressions() -> None:
    crd = {
        "name": "l1",
        "spec": {
            "selector": {"matchLabels": {"board": "rpi"}, "matchExpressions": [{"key": "revision", "operator": "NotIn", "values": ["v3"]}]},
            "tags": {"team": "qa"},
        },
    }
    lease = Lease.model_validate(crd)
    assert lease.selector_column() == "board=rpi,revision notin (v3)"
    assert lease.model_dump(by_alias=True) == crd
    assert Lease.model_validate({"name": "e", "spec": {"selector": {"matchExpressions": [{"key": "b", "operator": "Exists"}]}}}).selector_column() == "b"


def test_lease_model_errors_are_located() -> None:
    with pytest.raises(ValidationError) as exc:
        Lease.model_validate({"name": "l", "spec": {"selector": {"matchExpressions": [{"key": "b", "operator": "in", "values": ["x"]}]}, "tags": {"a": "b c"}}})
    assert [e["loc"] for e in exc.value.errors()] == [
        ("spec", "selector", "matchExpressions", 0, "operator"),
        ("spec", "tags", "a"),
    ]


# --- filter_by_selector over many leases -----------------------------------------------


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 99), selectors(max_size=3)), max_size=12), selectors(max_size=3))
def test_filter_leases_agrees_with_selector_contains(leases: list[tuple[int, ls.Selector]], flt: ls.Selector) -> None:
    shown = [(n, ls.format_label_selector(sel)) for n, sel in leases]
    got = filter_leases(shown, str(flt), selector_of=lambda lease: lease[1])
    want = [lease for lease in shown if selector_contains(str(ls.parse_display(lease[1])), str(flt))]
    assert got == want


def test_filter_leases_parses_each_distinct_selector_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = ls.parse_display

    def counting(text: str, **kw: Any) -> ls.Selector:
        calls.append(text)
        return real(text, **kw)

    monkeypatch.setattr(ls, "parse_display", counting)
    leases = [("a", "board=rpi")] * 500 + [("b", "board=jetson")] * 500
    assert len(filter_leases(leases, "board=rpi", selector_of=lambda lease: lease[1])) == 500
    assert sorted(calls) == ["board=jetson", "board=rpi"]


def test_filter_leases_invalid_filter() -> None:
    assert filter_leases([("a", "board=rpi")], "board=", selector_of=lambda lease: lease[1]) == []
    with pytest.raises(ls.SelectorError):
        filter_leases([("a", "board=rpi")], "board=rpi,", selector_of=lambda lease: lease[1])
