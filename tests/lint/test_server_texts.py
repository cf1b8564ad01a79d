"""Checks of the "rejected by the API server" kind: the message starts with the server's
own error, field path and wording included (docs: ../shared/docs/linting.md §5,
k8s-semantics.md §9; Kubernetes' apps/batch/core validation). Anything the linter adds to
explain the error comes after it, in parentheses."""

from __future__ import annotations

from pathlib import Path

import pytest

from labelselector.lint import CHECKS, lint

NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
MISMATCH = "`selector` does not match template `labels`"
POD = "    spec:\n      containers: [{name: c, image: i}]\n"


# Every check except the opt-in label and budget policies, which these manifests ignore.
CHECKED = set(CHECKS) - {"instance-label-mismatch", "workload-without-pdb"}


def run(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    p = tmp_path / "m.yaml"
    p.write_text(text)
    return [(f.check, f.message) for f in lint([str(p)], enabled=CHECKED).findings]


def only(tmp_path: Path, text: str, check: str) -> list[str]:
    return [m for c, m in run(tmp_path, text) if c == check]


def server_part(message: str) -> str:
    """The server's error: the message up to the linter's parenthesised explanation."""
    return message.split(" (selector ", 1)[0].split(" (spec.selector is not set", 1)[0]


def workload(kind: str, spec: str, api: str = "apps/v1") -> str:
    return f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: w}}\nspec:\n{spec}"


# ---------------------------------------------------------------- label maps (§5.1)


def test_label_key_and_value_texts_and_paths(tmp_path: Path) -> None:
    text = workload(
        "Deployment",
        "  selector:\n    matchLabels: {app: web, -bad: x}\n"
        "  template:\n    metadata:\n      labels: {app: web, -bad: x, rel: \"my release\"}\n" + POD,
    )
    got = sorted(m for c, m in run(tmp_path, text) if c.startswith("label-"))
    assert got == sorted([
        f'spec.selector.matchLabels: Invalid value: "-bad": name part {NAME_MSG}',
        f'spec.template.metadata.labels: Invalid value: "-bad": name part {NAME_MSG}',
        f'spec.template.metadata.labels: Invalid value: "my release": {VALUE_MSG}',
    ])


def test_service_selector_path_is_spec_selector(tmp_path: Path) -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: \"a b\"}\n"
    assert only(tmp_path, text, "label-value-invalid") == [
        f'spec.selector: Invalid value: "a b": {VALUE_MSG}'
    ]


def test_non_string_values_give_the_decoder_text(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {on: yes}\n---\n"
        + workload("Deployment", "  selector: {matchLabels: {app: w}}\n  template:\n    metadata:\n"
                   "      labels: {app: w, tier: 2}\n" + POD)
    )
    got = sorted(m.split(" (YAML reads", 1)[0] for m in only(tmp_path, text, "label-value-not-string"))
    assert got == [
        "json: cannot unmarshal bool into Go struct field ServiceSpec.spec.selector of type string",
        "json: cannot unmarshal number into Go struct field ObjectMeta.spec.template.metadata.labels "
        "of type string",
    ]


# ---------------------------------------------------------------- LabelSelector (§5.2)


def test_label_selector_requirement_texts(tmp_path: Path) -> None:
    text = (
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec:\n"
        "  selector:\n    matchExpressions:\n"
        "    - {key: a, operator: In}\n"
        "    - {key: b, operator: NotIn, values: []}\n"
        "    - {key: c, operator: DoesNotExist, values: [x]}\n"
        "    - {key: d, operator: exists}\n"
        "    - {key: -e, operator: In, values: [\"x y\"]}\n"
    )
    got = sorted(m for c, m in run(tmp_path, text) if CHECKS[c].severity.name == "ERROR")
    p = "spec.selector.matchExpressions"
    assert got == sorted([
        f"{p}[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        f"{p}[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        f"{p}[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        f'{p}[3].operator: Invalid value: "exists": not a valid selector operator',
        f'{p}[4].key: Invalid value: "-e": name part {NAME_MSG}',
        f'{p}[4].values[0]: Invalid value: "x y": {VALUE_MSG}',
    ])


# ---------------------------------------------------------------- workloads (§5.3)


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "StatefulSet"])
def test_missing_selector_is_required_value(tmp_path: Path, kind: str) -> None:
    text = workload(kind, "  template:\n    metadata:\n      labels: {app: w}\n" + POD)
    assert only(tmp_path, text, "workload-selector-missing") == ["spec.selector: Required value"]


def test_daemonset_without_selector_gets_the_template_mismatch_text(tmp_path: Path) -> None:
    # DaemonSet validation has no "Required" for the selector: a nil selector selects
    # nothing, so the server reports the template labels.
    text = workload("DaemonSet", "  template:\n    metadata:\n      labels: {app: w}\n" + POD)
    (msg,) = only(tmp_path, text, "workload-selector-missing")
    assert server_part(msg) == f'spec.template.metadata.labels: Invalid value: {{"app":"w"}}: {MISMATCH}'


@pytest.mark.parametrize(
    ("kind", "word"),
    [("Deployment", "deployment"), ("ReplicaSet", "deployment"),
     ("StatefulSet", "statefulset"), ("DaemonSet", "daemonset")],
)
def test_empty_selector_text(tmp_path: Path, kind: str, word: str) -> None:
    text = workload(kind, "  selector: {}\n  template:\n    metadata:\n      labels: {app: w}\n" + POD)
    assert only(tmp_path, text, "workload-selector-empty") == [
        f"spec.selector: Invalid value: {{}}: empty selector is invalid for {word}"
    ]


def test_selector_with_only_unknown_fields_is_empty_and_printed_as_the_server_decodes_it(
    tmp_path: Path,
) -> None:
    text = workload(
        "Deployment", "  selector:\n    matchLabel: {app: w}\n  template:\n    metadata:\n"
        "      labels: {app: w}\n" + POD,
    )
    assert only(tmp_path, text, "workload-selector-empty") == [
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment"
    ]


def test_mismatch_text_prints_template_labels_like_go(tmp_path: Path) -> None:
    # Go prints a map with sorted keys, and a nil map as null.
    text = workload(
        "StatefulSet", "  selector: {matchLabels: {app: w}}\n  template:\n    metadata:\n"
        "      labels: {zone: a, app: x}\n" + POD,
    ) + "---\n" + workload(
        "Deployment", "  selector: {matchLabels: {app: w}}\n  template:\n    metadata: {}\n" + POD
    )
    got = [server_part(m) for m in only(tmp_path, text, "workload-selector-mismatch")]
    assert got == [
        f'spec.template.metadata.labels: Invalid value: {{"app":"x","zone":"a"}}: {MISMATCH}',
        f"spec.template.metadata.labels: Invalid value: null: {MISMATCH}",
    ]


def test_replication_controller(tmp_path: Path) -> None:
    rc = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n"
    text = (
        rc + "  selector: {app: a}\n  template:\n    metadata:\n      labels: {app: b}\n" + POD
        + "---\n" + rc + "  template:\n    metadata:\n      labels: {}\n" + POD
        + "---\n" + rc + "  selector: {app: a}\n  template:\n    metadata:\n      labels: {app: a}\n" + POD
    )
    got = run(tmp_path, text)
    assert [(c, server_part(m)) for c, m in got] == [
        ("workload-selector-mismatch",
         f'spec.template.metadata.labels: Invalid value: {{"app":"b"}}: {MISMATCH}'),
        ("workload-selector-missing",
         "spec.selector: Required value (the selector is defaulted from the template labels, "
         "and they are empty too)"),
    ]


def test_replication_controller_selector_is_checked_through_the_template(tmp_path: Path) -> None:
    # The server validates an RC's template labels, not its selector's syntax: an invalid
    # selector key shows up as the template mismatch (or as the template's own label error).
    rc = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n"
    text = rc + "  selector: {-x: a}\n  template:\n    metadata:\n      labels: {app: a}\n" + POD
    got = run(tmp_path, text)
    assert [(c, m.split(" (", 1)[0]) for c, m in got] == [
        ("workload-selector-mismatch",
         f'spec.template.metadata.labels: Invalid value: {{"app":"a"}}: {MISMATCH}'),
    ]


def test_cronjob_texts(tmp_path: Path) -> None:
    text = (
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  schedule: '@daily'\n"
        "  jobTemplate:\n    spec:\n      manualSelector: true\n"
        "      selector: {matchLabels: {b: x, a: y}}\n"
        "      template:\n        metadata: {labels: {a: y, b: x}}\n"
        "        spec: {restartPolicy: Never, containers: [{name: c, image: i}]}\n"
    )
    assert only(tmp_path, text, "cronjob-selector-set") == [
        'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
        'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"y","b":"x"}}: '
        "`selector` will be auto-generated",
    ]


def job(spec: str) -> str:
    return (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n" + spec
        + "  template:\n    metadata: {labels: {app: j}}\n"
        "    spec: {restartPolicy: Never, containers: [{name: c, image: i}]}\n"
    )


def test_job_texts(tmp_path: Path) -> None:
    assert only(tmp_path, job("  selector: {matchLabels: {app: j}}\n"), "job-selector-not-generated") == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"j"}}: `selector` not auto-generated '
        "(set spec.manualSelector: true to use your own selector, or remove it)"
    ]
    assert only(tmp_path, job("  manualSelector: true\n"), "workload-selector-missing") == [
        "spec.selector: Required value"
    ]
    (msg,) = only(
        tmp_path, job("  manualSelector: true\n  selector: {matchLabels: {app: k}}\n"),
        "workload-selector-mismatch",
    )
    assert server_part(msg) == f'spec.template.metadata.labels: Invalid value: {{"app":"j"}}: {MISMATCH}'


@pytest.mark.parametrize(
    "selector",
    ["{}", "{matchLabels: {job-name: j}}", "{matchExpressions: [{key: x, operator: DoesNotExist}]}"],
)
def test_job_selectors_the_generated_one_still_satisfies_are_accepted(tmp_path: Path, selector: str) -> None:
    # The server adds controller-uid to the selector and checks it against the labels it
    # generates (controller-uid, job-name): these pass that check.
    assert run(tmp_path, job(f"  selector: {selector}\n")) == []


# ---------------------------------------------------------------- NodeSelector (core)


def node_pod(affinity: str) -> str:
    return (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n"
        "  affinity:\n    nodeAffinity:\n" + affinity
    )


REQ = "      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
RP = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"


def errors(tmp_path: Path, text: str) -> list[str]:
    return sorted(m for c, m in run(tmp_path, text) if CHECKS[c].severity.name == "ERROR")


def test_node_selector_requirement_texts(tmp_path: Path) -> None:
    text = node_pod(
        REQ + "        - matchExpressions:\n"
        "          - {key: a, operator: Gt, values: [\"1\", \"2\"]}\n"
        "          - {key: b, operator: Lt}\n"
        "          - {key: c, operator: In}\n"
        "          - {key: d, operator: Exists, values: [x]}\n"
        "          - {key: e, operator: gt, values: [\"1\"]}\n"
        "          - {key: -f, operator: In, values: [\"x y\"]}\n"
    )
    p = RP + ".matchExpressions"
    assert errors(tmp_path, text) == sorted([
        f"{p}[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
        f"{p}[1].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
        f"{p}[2].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        f"{p}[3].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        f'{p}[4].operator: Invalid value: "gt": not a valid selector operator',
        f'{p}[5].key: Invalid value: "-f": name part {NAME_MSG}',
        f'{p}[5].values[0]: Invalid value: "x y": {VALUE_MSG}',
    ])


def test_match_fields_texts(tmp_path: Path) -> None:
    text = node_pod(
        REQ + "        - matchFields:\n"
        "          - {key: metadata.labels, operator: In, values: [n1]}\n"
        "          - {key: metadata.name, operator: Exists}\n"
        "          - {key: metadata.name, operator: In, values: [n1, n2]}\n"
        "          - {key: metadata.name, operator: NotIn, values: [Node_1]}\n"
    )
    p = RP + ".matchFields"
    assert errors(tmp_path, text) == sorted([
        f'{p}[0].key: Invalid value: "metadata.labels": not a valid field selector key',
        f'{p}[1].operator: Invalid value: "Exists": not a valid selector operator',
        f"{p}[2].values: Required value: must be only one value when `operator` is 'In' or 'NotIn' "
        "for node field selector",
        f'{p}[3].values[0]: Invalid value: "Node_1": {SUBDOMAIN_MSG}',
    ])


def test_valid_match_fields_and_preferred_values_are_accepted(tmp_path: Path) -> None:
    text = node_pod(
        REQ + "        - matchFields:\n          - {key: metadata.name, operator: In, values: [node-1]}\n"
        "      preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 1\n        preference:\n"
        "          matchExpressions:\n          - {key: a, operator: In, values: [\"x y\"]}\n"
    )
    assert errors(tmp_path, text) == []


def test_empty_node_selector_terms(tmp_path: Path) -> None:
    text = node_pod(REQ.rstrip("\n") + " []\n")
    assert errors(tmp_path, text) == [
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: "
        "Required value: must have at least one node selector term"
    ]


def test_node_requirement_non_string_value_names_the_node_struct(tmp_path: Path) -> None:
    text = node_pod(REQ + "        - matchExpressions:\n          - {key: a, operator: Gt, values: [4]}\n")
    (msg,) = only(tmp_path, text, "label-value-not-string")
    assert msg.startswith(
        "json: cannot unmarshal number into Go struct field NodeSelectorRequirement."
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
        "nodeSelectorTerms.matchExpressions.values of type string"
    )
