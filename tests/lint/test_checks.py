"""Every check has a fixture that must trigger it (at the marked lines) and one that must not.

A bad fixture marks each line where a finding is expected with ``# <-- check-id``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labelselector.lint import CHECKS, Finding, config, lint
from labelselector.lint.cli import config_settings

FIXTURES = Path(__file__).parent / "fixtures"
# Checks about hostile input are tested with generated files in test_input.py.
GENERATED = {"input-invalid", "input-too-large", "yaml-limit"}
MARK = re.compile(r"#\s*<--\s*([a-z0-9-]+)")


def _lint_fixture(path: Path, check: str) -> list[Finding]:
    """Lint a fixture with every check on, and ``<check>.config.yaml`` when there is one."""
    cfg = FIXTURES / f"{check}.config.yaml"
    settings = config_settings(config.load(str(cfg))) if cfg.exists() else {}
    return lint([str(path)], enabled=set(CHECKS), **settings).findings


def _expected_lines(path: Path, check: str) -> set[int]:
    lines = set()
    for n, line in enumerate(path.read_text().splitlines(), 1):
        m = MARK.search(line)
        if m and m.group(1) == check:
            lines.add(n)
    return lines


def test_every_check_has_fixtures() -> None:
    missing = [
        f"{c}.{kind}.yaml"
        for c in CHECKS
        if c not in GENERATED
        for kind in ("bad", "good")
        if not (FIXTURES / f"{c}.{kind}.yaml").exists()
    ]
    assert missing == []


@pytest.mark.parametrize("check", sorted(set(CHECKS) - GENERATED))
def test_bad_fixture_triggers_check_at_marked_lines(check: str) -> None:
    path = FIXTURES / f"{check}.bad.yaml"
    findings = _lint_fixture(path, check)
    got = {f.span.line for f in findings if f.check == check}
    want = _expected_lines(path, check)
    assert want, f"{path.name} marks no line with '# <-- {check}'"
    assert got == want, [str(f) for f in findings]
    for f in findings:
        if f.check == check:
            assert f.severity == CHECKS[check].severity
            assert f.message


@pytest.mark.parametrize("check", sorted(set(CHECKS) - GENERATED))
def test_good_fixture_does_not_trigger_check(check: str) -> None:
    path = FIXTURES / f"{check}.good.yaml"
    assert [f.message for f in _lint_fixture(path, check) if f.check == check] == []


def _one(path: str, check: str) -> str:
    result = lint([str(FIXTURES / path)], enabled=set(CHECKS))
    msgs = [f.message for f in result.findings if f.check == check]
    assert len(msgs) >= 1
    return msgs[0]


def test_server_texts_are_exact() -> None:
    assert _one("label-key-invalid.bad.yaml", "label-key-invalid") == (
        'metadata.labels: Invalid value: "Example.com/app": prefix part a lowercase RFC 1123 '
        "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
        "start and end with an alphanumeric character (e.g. 'example.com', regex used for "
        "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    )
    msgs = sorted(
        f.message
        for f in lint([str(FIXTURES / "selector-expression-invalid.bad.yaml")]).findings
    )
    assert msgs == [
        'spec.podSelector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator',
        "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when "
        "`operator` is 'Exists' or 'DoesNotExist'",
    ]
    assert _one("workload-selector-missing.bad.yaml", "workload-selector-missing") == (
        "spec.selector: Required value"
    )
    assert _one("workload-selector-empty.bad.yaml", "workload-selector-empty") == (
        "spec.selector: Invalid value: {}: empty selector is invalid for daemonset"
    )
    assert _one("workload-selector-mismatch.bad.yaml", "workload-selector-mismatch").startswith(
        'spec.template.metadata.labels: Invalid value: {"app":"redis","role":"replica"}: '
        "`selector` does not match template `labels`"
    )
    assert _one("label-value-not-string.bad.yaml", "label-value-not-string").startswith(
        "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"
    )
    assert _one("cronjob-selector-set.bad.yaml", "cronjob-selector-set").startswith(
        "spec.jobTemplate.spec"
    )


def test_messages_name_what_was_compared() -> None:
    msg = _one("service-selects-nothing.bad.yaml", "service-selects-nothing")
    assert "Service shop/web selector app=web,tier=fe" in msg
    assert "Deployment shop/web" in msg and "{app: web, tier: frontend}" in msg
    assert 'tier=fe: label tier is "frontend"' in msg
    msg = _one("overlapping-workload-selectors.bad.yaml", "overlapping-workload-selectors")
    assert "Deployment shop/web-canary" in msg and "Deployment shop/web " in msg
    assert "{app: web}" in msg


def test_finding_points_at_the_field_not_the_document() -> None:
    result = lint([str(FIXTURES / "label-key-invalid.bad.yaml")])
    (f,) = result.findings
    assert (f.span.line, f.span.col) == (6, 5)  # the key itself
    assert f.field_path == "metadata.labels.Example.com/app"
    assert (f.kind, f.namespace, f.name) == ("ConfigMap", "default", "cm")


def test_rest_of_stream_is_linted_after_broken_document() -> None:
    result = lint([str(FIXTURES / "yaml-syntax.bad.yaml")])
    checks = {f.check for f in result.findings}
    assert "yaml-syntax" in checks
    assert "label-key-invalid" in checks  # from the document after the broken one


def test_opt_in_check_is_off_by_default() -> None:
    result = lint([str(FIXTURES / "service-selects-multiple-workloads.bad.yaml")])
    assert "service-selects-multiple-workloads" not in {f.check for f in result.findings}


def test_unset_namespace_equals_default_namespace(tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: a}}\n"
        "spec: {containers: [{name: c, image: i}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\n"
        "spec: {selector: {app: a}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: default, labels: {app: b}}\n"
        "spec: {containers: [{name: c, image: i}]}\n"
    )
    assert lint([str(p)]).findings == []
    assert [f.check for f in lint([str(p)], namespace="other").findings] == [
        "service-selects-nothing"
    ]


def test_no_selects_nothing_finding_when_namespace_has_no_templates(tmp_path: Path) -> None:
    p = tmp_path / "svc.yaml"
    p.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}}\n")
    assert lint([str(p)]).findings == []


def test_runtime_keys_are_not_required_in_templates() -> None:
    result = lint([str(FIXTURES / "service-selects-nothing.good.yaml")])
    assert result.findings == []


def test_each_check_reports_the_same_alone_as_with_all_others() -> None:
    """Runners are skipped when none of their checks is enabled, so each runner must
    declare every check it reports (also through the shared validators): with one check
    enabled, that check finds exactly what it finds with every check enabled."""
    from labelselector.lint import loader
    from labelselector.lint.checks import Linter, Options

    loaded = loader.load([str(FIXTURES)])
    settings = config_settings(config.load(str(FIXTURES / "required-labels.config.yaml")))

    def run(enabled: frozenset[str]) -> list[tuple[str, str, int, int, str]]:
        options = Options(group_by="file", enabled=enabled, required_labels=tuple(settings["required_labels"]))
        findings = Linter(options).run(loaded.documents)
        return sorted((f.check, f.file, f.span.line, f.span.col, f.message) for f in findings if f.check in enabled)

    everything = run(frozenset(CHECKS))
    for check in CHECKS:
        assert run(frozenset({check})) == [f for f in everything if f[0] == check], check
