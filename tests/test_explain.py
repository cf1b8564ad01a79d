"""explain(): per-requirement verdicts and reasons, and the `explain` CLI command."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector, SelectorError
from labelselector.cli import explain as _cli_explain
from labelselector.explain import explain, nearest


def lines(selector: object, labels: dict[str, str]) -> list[str]:
    return [str(r) for r in explain(selector, labels).requirements]


def test_issue_examples() -> None:
    assert lines("tier in (web,api)", {"tier": "db"}) == ['tier in (api,web): label tier is "db"']
    assert lines("!canary", {"canary": "true"}) == ['!canary: label canary is present ("true")']
    assert lines("env=prod", {"environment": "prod"}) == [
        'env=prod: label env is missing; nearest key: "environment" (its value "prod" would match)'
    ]


def test_reasons_per_operator() -> None:
    labels = {"app": "web", "replicas": "3", "size": "big", "Tier": "db"}
    e = explain(
        "app,!app,replicas>5,replicas<5,size>1,tier!=db,zone notin (a),app in (Web)", labels
    )
    got = {str(r.requirement): (r.matched, r.reason, r.hint) for r in e.requirements}
    assert got["app"] == (True, 'label app is present ("web")', None)
    assert got["!app"] == (False, 'label app is present ("web")', None)
    assert got["replicas>5"] == (False, 'label replicas is "3" (3 is not greater than 5)', None)
    assert got["replicas<5"] == (True, 'label replicas is "3"', None)
    assert got["size>1"] == (False, 'label size is "big", which is not an integer', None)
    # a missing key satisfies != -- and the likely typo is pointed out
    assert got["tier!=db"] == (
        True,
        "label tier is missing (a missing key satisfies !=)",
        'nearest key: "Tier" (its value "db" would not match)',
    )
    assert got["zone notin (a)"] == (
        True,
        "label zone is missing (a missing key satisfies notin)",
        None,
    )
    assert got["app in (Web)"] == (False, 'label app is "web"', 'nearest value: "Web"')
    assert not e
    assert len(e.failures) == 4
    assert str(e).splitlines()[0] == "no match: 4 of 8 requirements fail"


def test_missing_key_without_suggestion_and_dne_typo() -> None:
    e = explain("!canry", {"canary": "true"})
    assert e.matched
    (r,) = e.requirements
    assert r.suggestion == "canary"
    assert str(r) == '!canry: label canry is missing; nearest key: "canary"'
    assert lines("x", {"zzzzzz": "1"}) == ["x: label x is missing"]
    assert lines("app=web", {"App": "api"}) == [
        'app=web: label app is missing; nearest key: "App" (its value "api" would not match either)'
    ]


def test_everything_nothing_and_none_labels() -> None:
    assert explain("", {}).matched
    assert str(explain(Selector.everything(), None)) == (
        "match: the empty selector matches every label set"
    )
    e = explain(None, {"a": "b"})
    assert not e and e.note is not None and "nothing" in str(e)
    assert str(explain("a=b", {"a": "b"})).splitlines()[0] == "match: the requirement holds"


def test_nearest() -> None:
    assert nearest("app", ["app.kubernetes.io/name", "apps"]) == "apps"
    assert nearest("name", ["app.kubernetes.io/name"]) == "app.kubernetes.io/name"
    assert nearest("env", ["environment"]) == "environment"
    assert nearest("env", ["env"]) is None
    assert nearest("ab", ["xy"]) is None


KEYS = ["x", "y", "xx"]
VALUES = ["a", "", "5", "05", "-1", "abc"]


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(st.sampled_from(KEYS))
    op = draw(st.sampled_from(list(Operator)))
    if op in (Operator.IN, Operator.NOT_IN):
        return Requirement(key, op, draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=2)))
    if op in (Operator.GT, Operator.LT):
        return Requirement(key, op, [draw(st.sampled_from(["0", "4", "5"]))])
    return Requirement(key, op)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(requirements(), max_size=4),
    st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3),
)
def test_verdicts_agree_with_matching(reqs: list[Requirement], labels: dict[str, str]) -> None:
    sel = Selector(reqs)
    e = explain(sel, labels)
    assert e.matched == sel.matches(labels)
    assert [r.requirement for r in e.requirements] == list(sel.requirements)
    for r in e.requirements:
        assert r.matched == r.requirement.matches(labels)
        assert str(r).startswith(f"{r.requirement}: label {r.requirement.key} is ")


# --------------------------------------------------------------------- CLI


def run_cli(argv: list[str], stdin: str = "") -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="labelselector")
    sub = parser.add_subparsers(dest="command", required=True)
    _cli_explain.add_parser(sub)
    args = parser.parse_args(argv)
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out):
            code: int = _cli_explain.run(args)
    finally:
        sys.stdin = old
    return code, out.getvalue()


def test_cli_labels() -> None:
    code, out = run_cli(
        ["explain", "-l", "app=web,tier in (web,api)", "--labels", "app=web,tier=db"]
    )
    assert code == 1
    assert out.splitlines() == [
        "no match: 1 of 2 requirements fail",
        '  ok    app=web: label app is "web"',
        '  FAIL  tier in (api,web): label tier is "db"',
    ]
    code, out = run_cli(["explain", "-l", "app=web", "--labels", "app=web"])
    assert code == 0 and out.startswith("match")


def test_cli_file_and_stdin(tmp_path: Path) -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"kind": "Pod", "metadata": {"name": "a", "namespace": "ns", "labels": {"app": "web"}}},
            {"kind": "Pod", "metadata": {"name": "b"}},
        ],
    }
    f = tmp_path / "pods.json"
    f.write_text(json.dumps(doc))
    code, out = run_cli(["explain", "-l", "app=web", str(f)])
    assert code == 1
    assert "Pod/a (namespace ns): match" in out
    assert "Pod/b: no match" in out and "label app is missing" in out
    yaml_text = "kind: Pod\nmetadata:\n  name: c\n  labels:\n    canary: true\n"
    code, out = run_cli(["explain", "-l", "canary=true", "-"], stdin=yaml_text)
    assert code == 0 and "warning: non-string label value" in out


def test_cli_errors(tmp_path: Path) -> None:
    from labelselector.cli import InputError

    with pytest.raises(SelectorError):
        run_cli(["explain", "-l", "app in (", "--labels", "a=b"])
    with pytest.raises(InputError):
        run_cli(["explain", "-l", "app", "--labels", "novalue"])
    with pytest.raises(InputError):
        run_cli(["explain", "-l", "app", str(tmp_path / "missing.yaml")])
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    with pytest.raises(InputError):
        run_cli(["explain", "-l", "app", str(empty)])
    with pytest.raises(SystemExit):
        run_cli(["explain", "-l", "app"])


def test_parse_labels() -> None:
    assert _cli_explain.parse_labels("a=1, b=,c=x=y") == {"a": "1", "b": "", "c": "x=y"}
    with pytest.raises(ValueError):
        _cli_explain.parse_labels("=1")


def test_wired_into_main_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from labelselector.cli import main

    assert main(["explain", "-l", "a=b", "--labels", "a=c"]) == 1
    assert 'label a is "c"' in capsys.readouterr().out


def test_doctests() -> None:
    import doctest
    import importlib

    for name in ["labelselector.explain", "labelselector.cli.explain"]:
        result = doctest.testmod(importlib.import_module(name))
        assert result.failed == 0 and result.attempted > 0
