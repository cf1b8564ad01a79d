"""The checks: stable ids, default severities and one-line descriptions.

Ids are part of the public interface (suppression annotations, ``--disable``, SARIF
rule ids): never rename one; retire it instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Severity

HELP_URI = "https://github.com/labelselector/labelselector/blob/main/docs/lint.md"


@dataclass(frozen=True)
class Check:
    """A check's metadata."""

    id: str
    severity: Severity
    summary: str
    #: Enabled unless disabled (``False``: only with ``--enable``).
    default: bool = True

    @property
    def help_uri(self) -> str:
        """Link to the check's section of the documentation."""
        return f"{HELP_URI}#{self.id}"


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

CHECKS: dict[str, Check] = {
    c.id: c
    for c in [
        # Input
        Check("input-invalid", E, "input is not UTF-8 text (binary data, bad encoding)"),
        Check("input-too-large", E, "input file is larger than --max-file-size"),
        Check("yaml-syntax", E, "document is not valid YAML"),
        Check("yaml-limit", E, "document exceeds a safety limit (nesting, alias expansion)"),
        Check("yaml-duplicate-key", W, "a mapping repeats a key; the earlier value is lost"),
        Check("object-malformed", E, "a field has the wrong type for the Kubernetes API"),
        # Labels and selectors: rejected by the API server
        Check("label-key-invalid", E, "label key the API server rejects"),
        Check("label-value-invalid", E, "label value the API server rejects"),
        Check("label-value-not-string", E, "label or selector value is a YAML bool/number"),
        Check("label-value-null", W, "label value is null (stored as the empty string)"),
        Check("selector-expression-invalid", E, "matchExpressions / node selector rule the API server rejects"),
        Check("workload-selector-missing", E, "workload has no spec.selector"),
        Check("workload-selector-empty", E, "workload spec.selector is {}"),
        Check("workload-selector-mismatch", E, "workload selector does not match its own template labels"),
        Check("job-selector-not-generated", E, "Job sets spec.selector without manualSelector: true"),
        Check("cronjob-selector-set", E, "CronJob sets jobTemplate.spec.selector or manualSelector"),
        # Accepted but almost surely a bug
        Check("selector-unknown-field", W, "unknown field inside a selector (silently dropped)"),
        Check("selector-unsatisfiable", W, "selector can never match any object"),
        Check("nodeselector-gt-lt-non-integer", W, "node selector Gt/Lt value is not an integer"),
        Check("service-selects-nothing", W, "Service selector matches no pod template in its namespace"),
        Check("service-without-selector", W, "Service has no selector and no Endpoints/EndpointSlice"),
        Check("networkpolicy-selects-nothing", W, "NetworkPolicy pod selector matches no pod template"),
        Check("namespaceselector-selects-nothing", W, "namespaceSelector matches no Namespace object"),
        Check("pdb-selects-nothing", W, "PodDisruptionBudget selector matches no pod template"),
        Check("pdb-selects-everything", W, "PodDisruptionBudget selector {} covers every pod in the namespace"),
        Check("servicemonitor-selects-nothing", W, "ServiceMonitor selector matches no Service"),
        Check("podmonitor-selects-nothing", W, "PodMonitor selector matches no pod template"),
        Check("overlapping-workload-selectors", W, "two workloads' selectors can select the same pods"),
        Check("anti-affinity-not-self", W, "pod anti-affinity selector selects neither this pod nor any other"),
        Check("topology-spread-not-self", W, "topology spread selector does not select this pod"),
        Check("topology-spread-no-selector", W, "topology spread constraint without labelSelector counts nothing"),
        Check(
            "selector-volatile-label", W,
            "workload selector uses a label that changes between releases", default=False,
        ),
        # Opt-in
        Check("service-selects-multiple-workloads", INFO, "Service selects the pods of several workloads", default=False),
    ]
}


def get(check_id: str) -> Check:
    """The check with this id (``KeyError`` when unknown)."""
    return CHECKS[check_id]
