"""Tests for the generated protobuf modules in labelselector.proto.

* the committed generated code is up to date (scripts/gen_proto.py --check),
* our jumpstarter/v1/kubernetes.proto coexists with the one registered by the
  ``jumpstarter-protocol`` package in protobuf's default descriptor pool, in
  both import orders, and is wire-identical to it,
* jumpstarter's and Kubernetes' LabelSelector are NOT wire-compatible (the
  field numbers are swapped): bytes of one silently decode as a different
  selector in the other.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

if importlib.util.find_spec("labelselector") is None:  # not installed: use the source tree
    sys.path.insert(0, str(SRC))

JUMPSTARTER_MODULE = "jumpstarter_protocol.jumpstarter.v1.kubernetes_pb2"
OUR_JUMPSTARTER_MODULE = "labelselector.proto.jumpstarter.v1.kubernetes_pb2"

# jumpstarter-protocol requires Python >= 3.11 (the project supports 3.10). Where it
# can be installed, the test extra installs it, and a missing package is a failure.
needs_jumpstarter = pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="jumpstarter-protocol cannot be installed on Python < 3.11",
)


def _run_python(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


# --------------------------------------------------------------------------- (a)


def test_generated_code_is_up_to_date() -> None:
    proc = _run_python(str(ROOT / "scripts" / "gen_proto.py"), "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------- (b)

_COEXIST_SCRIPT = textwrap.dedent(
    """
    import importlib, sys
    first, second = sys.argv[1:3]
    importlib.import_module(first)
    importlib.import_module(second)

    import labelselector.proto as lp
    theirs = importlib.import_module("jumpstarter_protocol.jumpstarter.v1.kubernetes_pb2")
    ours = importlib.import_module("labelselector.proto.jumpstarter.v1.kubernetes_pb2")

    # One descriptor in the default pool, serialized byte-identically by both.
    assert ours.DESCRIPTOR.serialized_pb == theirs.DESCRIPTOR.serialized_pb
    assert ours.DESCRIPTOR.name == theirs.DESCRIPTOR.name == "jumpstarter/v1/kubernetes.proto"
    for name in ("LabelSelector", "LabelSelectorRequirement", "Time", "Condition"):
        assert getattr(ours, name).DESCRIPTOR.full_name == \\
            getattr(theirs, name).DESCRIPTOR.full_name == "jumpstarter.v1." + name
    assert lp.JumpstarterLabelSelector.DESCRIPTOR.full_name == lp.JUMPSTARTER_SELECTOR_NAME

    def build(mod):
        return mod.LabelSelector(
            match_labels={"env": "prod", "tier": "web"},
            match_expressions=[
                mod.LabelSelectorRequirement(key="canary", operator="DoesNotExist"),
                mod.LabelSelectorRequirement(key="zone", operator="In", values=["a", "b"]),
            ],
        )

    a = build(ours).SerializeToString(deterministic=True)
    b = build(theirs).SerializeToString(deterministic=True)
    assert a == b and a, (a, b)
    assert theirs.LabelSelector.FromString(a) == build(theirs)
    assert ours.LabelSelector.FromString(b) == build(ours)

    c = ours.Condition(type="Ready", status="True", observedGeneration=3,
                       lastTransitionTime=ours.Time(seconds=1700000000, nanos=5))
    assert theirs.Condition.FromString(c.SerializeToString()).SerializeToString() == \\
        c.SerializeToString()
    print("ok")
    """
)


@needs_jumpstarter
@pytest.mark.parametrize(
    "first, second",
    [
        ("labelselector.proto", JUMPSTARTER_MODULE),
        (JUMPSTARTER_MODULE, "labelselector.proto"),
        (OUR_JUMPSTARTER_MODULE, "jumpstarter_protocol"),
        ("jumpstarter_protocol", OUR_JUMPSTARTER_MODULE),
    ],
)
def test_coexists_with_jumpstarter_protocol(first: str, second: str) -> None:
    proc = _run_python("-c", _COEXIST_SCRIPT, first, second)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip() == "ok"


def test_full_names() -> None:
    import labelselector.proto as lp

    assert lp.JumpstarterLabelSelector.DESCRIPTOR.full_name == lp.JUMPSTARTER_SELECTOR_NAME
    assert lp.JUMPSTARTER_SELECTOR_NAME == "jumpstarter.v1.LabelSelector"
    assert lp.K8sLabelSelector.DESCRIPTOR.full_name == lp.K8S_SELECTOR_NAME
    assert lp.K8S_SELECTOR_NAME == "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector"
    assert (
        lp.JumpstarterLabelSelectorRequirement.DESCRIPTOR.full_name
        == "jumpstarter.v1.LabelSelectorRequirement"
    )
    assert (
        lp.K8sLabelSelectorRequirement.DESCRIPTOR.full_name
        == "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement"
    )


def test_k8s_schema_matches_upstream_field_numbers() -> None:
    import labelselector.proto as lp

    sel = lp.K8sLabelSelector.DESCRIPTOR
    assert sel.file.package == "k8s.io.apimachinery.pkg.apis.meta.v1"
    assert {f.name: f.number for f in sel.fields} == {"matchLabels": 1, "matchExpressions": 2}
    req = lp.K8sLabelSelectorRequirement.DESCRIPTOR
    assert {f.name: f.number for f in req.fields} == {"key": 1, "operator": 2, "values": 3}
    jsel = lp.JumpstarterLabelSelector.DESCRIPTOR
    assert {f.name: f.number for f in jsel.fields} == {"match_expressions": 1, "match_labels": 2}
    # Not Kubernetes' generated.proto: no file-name clash with the real thing.
    assert sel.file.name == "k8s/io/apimachinery/pkg/apis/meta/v1/labelselector.proto"


# --------------------------------------------------------------------------- (c)


def _jumpstarter_bytes() -> bytes:
    import labelselector.proto as lp

    msg = lp.JumpstarterLabelSelector(
        match_labels={"env": "prod"},
        match_expressions=[
            lp.JumpstarterLabelSelectorRequirement(key="canary", operator="DoesNotExist")
        ],
    )
    return msg.SerializeToString(deterministic=True)


def test_jumpstarter_bytes_decode_as_different_k8s_selector() -> None:
    """Wire incompatibility: parsing succeeds but the selector is corrupted."""
    import labelselector.proto as lp

    k8s = lp.K8sLabelSelector.FromString(_jumpstarter_bytes())  # no error raised!
    # jumpstarter field 1 (match_expressions) lands in k8s field 1 (matchLabels):
    # the requirement's key/operator become a map entry's key/value.
    assert dict(k8s.matchLabels) == {"canary": "DoesNotExist"}
    # jumpstarter field 2 (match_labels entry env=prod) lands in k8s field 2
    # (matchExpressions): the entry's key/value become the requirement's key/operator.
    assert len(k8s.matchExpressions) == 1
    req = k8s.matchExpressions[0]
    assert (req.key, req.operator, list(req.values)) == ("env", "prod", [])
    # i.e. nothing like the intended {matchLabels: {env: prod},
    #   matchExpressions: [{key: canary, operator: DoesNotExist}]}
    intended = lp.K8sLabelSelector(
        matchLabels={"env": "prod"},
        matchExpressions=[lp.K8sLabelSelectorRequirement(key="canary", operator="DoesNotExist")],
    )
    assert k8s != intended
    assert intended.SerializeToString(deterministic=True) != _jumpstarter_bytes()


def test_k8s_bytes_decode_as_different_jumpstarter_selector() -> None:
    import labelselector.proto as lp

    k8s = lp.K8sLabelSelector(
        matchLabels={"env": "prod"},
        matchExpressions=[lp.K8sLabelSelectorRequirement(key="canary", operator="DoesNotExist")],
    )
    js = lp.JumpstarterLabelSelector.FromString(k8s.SerializeToString(deterministic=True))
    assert dict(js.match_labels) == {"canary": "DoesNotExist"}
    assert [(r.key, r.operator) for r in js.match_expressions] == [("env", "prod")]
