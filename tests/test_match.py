"""Matching: Kubernetes' TestSelectorMatches / TestRequirementSelectorMatching tables."""

from __future__ import annotations

import pytest

import labelselector as ls
from labelselector import Operator, Requirement, Selector, matches, parse


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),
        ("x", {"x": "z"}, True),
        ("!x", {"y": "z"}, True),
        ("x>1", {"x": "2"}, True),
        ("x<1", {"x": "0"}, True),
        ("x=z", {}, False),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("x", {"y": "z"}, False),
        ("!x", {"x": "z"}, False),
        ("x>1", {"x": "0"}, False),
        ("x<1", {"x": "2"}, False),
        ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
        ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
        # Absent keys: != and notin hold, the rest do not.
        ("x!=a", {}, True),
        ("x notin (a,b)", {}, True),
        ("x in (a,b)", {}, False),
        ("x!=a,x", {}, False),
        # Empty values.
        ("x=", {"x": ""}, True),
        ("x=", {}, False),
        ("x in ()", {"x": ""}, True),
        ("x!=", {}, True),
        ("x!=", {"x": "a"}, True),
        ("x!=", {"x": ""}, False),
        # Gt/Lt parse the label as int64 and fail closed.
        ("x>1", {"x": "+2"}, True),
        ("x<5", {"x": "-2"}, True),
        ("x>1", {"x": "02"}, True),
        ("x<1", {"x": "-0"}, True),
        ("x<5", {"x": "abc"}, False),
        ("x>5", {"x": "abc"}, False),
        ("x>1", {"x": "2.0"}, False),
        ("x>1", {"x": " 2"}, False),
        ("x>1", {"x": "0x10"}, False),
        ("x>1", {"x": "1_0"}, False),  # Python int() would accept this; Go does not
        ("x>1", {"x": "\u0663"}, False),  # Arabic-Indic three: not an ASCII digit
        ("x<1", {"x": ""}, False),
        ("x>1", {"x": "9223372036854775808"}, False),  # overflows int64
        ("x<1", {"x": "-9223372036854775808"}, True),
        ("x>9223372036854775806", {"x": "9223372036854775807"}, True),
        ("x>1", {}, False),
        ("x<1", {}, False),
        # Contradictions are kept and match nothing.
        ("x=a,x=b", {"x": "a"}, False),
        ("x,!x", {"x": "a"}, False),
        ("x,!x", {}, False),
        # Values compare as exact, case-sensitive strings; labels are not validated.
        ("x=A", {"x": "a"}, False),
        ("x=a", {"x": "a", "bad key!": "-"}, True),
    ],
)
def test_matches(selector: str, labels: dict[str, str], expected: bool) -> None:
    sel = parse(selector)
    assert sel.matches(labels) is expected
    assert matches(selector, labels) is expected
    assert all(r.matches(labels) for r in sel.requirements) is expected


def test_requirement_table() -> None:
    labels = {"x": "foo", "y": "baz"}
    assert Selector([Requirement("x", "in", ["foo"]), Requirement("y", "notin", ["alpha"])]).matches(labels)
    assert not Selector([Requirement("x", "in", ["foo"]), Requirement("y", "in", ["alpha"])]).matches(labels)
    assert Selector([Requirement("x", "notin", [""]), Requirement("y", "exists")]).matches({"y": ""})
    assert Selector([Requirement("x", "!"), Requirement("y", "exists")]).matches({"y": ""})
    assert not Selector([Requirement("x", "notin", [""]), Requirement("y", "!")]).matches({"y": ""})
    assert not Selector([Requirement("x", "in", [""])]).matches({"y": "baz"})
    assert Selector([Requirement("z", "gt", ["1"])]).matches({"z": "2"})
    assert not Selector([Requirement("z", "gt", ["1"])]).matches({"z": "v2"})


def test_everything_nothing_matching() -> None:
    assert Selector.everything().matches({"x": "y"})
    assert Selector.everything().matches({})
    assert not Selector.nothing().matches({})
    assert not matches(None, {"x": "y"})  # a nil LabelSelector matches nothing
    assert matches({}, {"x": "y"})  # an empty one matches everything


def test_matches_accepts_every_selector_shape() -> None:
    labels = {"env": "prod", "tier": "web"}
    assert matches("env=prod,tier in (web,api),!canary", labels)
    assert matches(parse("env=prod"), labels)
    assert matches({"matchLabels": {"env": "prod"}}, labels)
    assert matches({"match_expressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}, labels)

    class Req:
        def __init__(self, key: str, operator: str, values: list[str] | None) -> None:
            self.key, self.operator, self.values = key, operator, values

    class V1LabelSelector:
        match_labels = {"env": "prod"}
        match_expressions = [Req("canary", "DoesNotExist", None)]

    assert matches(V1LabelSelector(), labels)
    assert not matches(V1LabelSelector(), {**labels, "canary": "true"})


def test_compiled_predicate_replaces_method_and_is_injection_safe() -> None:
    sel = Selector([Requirement("a')or(True", Operator.IN, ["x'\"\\\n"])])
    assert not sel.matches({})
    assert sel.matches({"a')or(True": "x'\"\\\n"})
    # Once compiled, the instance's own function runs the compiled code: no wrapper.
    pred = sel.predicate
    assert sel.__dict__["matches"].__code__ is pred.__code__


def test_selector_is_immutable_and_hashable() -> None:
    sel = parse("x=a")
    with pytest.raises(AttributeError):
        sel.requirements = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        sel.requirements[0].key = "y"  # type: ignore[misc]
    assert len({parse("x=a"), parse("x==a"), parse("x in (a)")}) == 1
    assert parse("x=a,y") == parse("y,x=a")
    assert parse("x in (a,b)") == Selector([Requirement("x", "in", ["b", "a", "b"])])


def test_pickle_round_trip() -> None:
    import pickle

    for s in (parse("x=a,y notin (b,c),!z,w>3"), Selector.nothing(), Selector.everything()):
        t = pickle.loads(pickle.dumps(s))
        assert t == s and str(t) == str(s) and t.is_nothing == s.is_nothing


def test_requirement_constructor_checks_shape() -> None:
    for key, op, vals in [
        ("x", "in", []),
        ("x", "notin", []),
        ("x", "exists", ["a"]),
        ("x", "!", ["a"]),
        ("x", "gt", ["a"]),
        ("x", "gt", []),
        ("x", "lt", ["1", "2"]),
    ]:
        with pytest.raises(ValueError):
            Requirement(key, op, vals)
    with pytest.raises(ValueError):
        Requirement("x", "bogus")
    with pytest.raises(ValueError):
        Requirement("x", "in", ["a", "b"], spelling="=")
    with pytest.raises(TypeError):
        Requirement("x", "in", [1])  # type: ignore[list-item]


def test_to_string_table() -> None:
    # TestToString
    assert str(Selector([Requirement("x", "in", ["abc", "def"]), Requirement("y", "notin", ["jkl"]), Requirement("z", "exists")])) == "x in (abc,def),y notin (jkl),z"
    assert str(Selector([Requirement("x", "notin", ["def", "abc"]), Requirement("y", "notin", ["jkl"], "!="), Requirement("z", "!")])) == "x notin (abc,def),y!=jkl,!z"
    assert str(Selector([Requirement("x", "notin", ["abc"]), Requirement("y", "in", ["jkl", "mno"]), Requirement("z", "notin", [""])])) == "x notin (abc),y in (jkl,mno),z notin ()"
    assert str(Selector([Requirement("x", "in", ["abc"], "="), Requirement("y", "in", ["jkl"], "=="), Requirement("z", "notin", ["a"], "!="), Requirement("z", "exists")])) == "x=abc,y==jkl,z!=a,z"
    assert str(Selector([Requirement("x", "gt", ["2"]), Requirement("y", "lt", ["8"]), Requirement("z", "exists")])) == "x>2,y<8,z"
    # String() sorts set values but does not de-duplicate what the caller stored.
    assert str(Selector([Requirement("x", "in", ["b", "a", "b"])])) == "x in (a,b,b)"


def test_public_api_names() -> None:
    for name in ls.__all__:
        assert getattr(ls, name).__doc__, name
