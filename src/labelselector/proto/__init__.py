"""Protobuf messages for label selectors (generated code; hand-written index).

Two *different* wire formats exist for "a label selector":

``JumpstarterLabelSelector`` / ``JumpstarterLabelSelectorRequirement``
    ``jumpstarter.v1.LabelSelector`` from jumpstarter's
    ``jumpstarter/v1/kubernetes.proto`` (proto3)::

        message LabelSelector {
          repeated LabelSelectorRequirement match_expressions = 1;
          map<string, string> match_labels = 2;
        }

    Our module registers a descriptor byte-identical to the one shipped by the
    ``jumpstarter-protocol`` package, so both can be imported in one process
    (in either order); they then share one descriptor and message class.

``K8sLabelSelector`` / ``K8sLabelSelectorRequirement``
    ``k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector`` as in Kubernetes'
    ``k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`` (proto2)::

        message LabelSelector {
          map<string, string> matchLabels = 1;
          repeated LabelSelectorRequirement matchExpressions = 2;
        }

**The field numbers are swapped.** Bytes of one format parse without error
as the other but yield a different (wrong) selector, e.g. a jumpstarter
``match_expressions`` entry ``{key: "canary", operator: "DoesNotExist"}``
becomes the k8s ``matchLabels`` entry ``canary: DoesNotExist``. Always know
which format you are decoding; compare ``DESCRIPTOR.full_name`` against
:data:`JUMPSTARTER_SELECTOR_NAME` / :data:`K8S_SELECTOR_NAME`.

Generated modules (regenerate with ``python scripts/gen_proto.py``; never edit):

* :mod:`labelselector.proto.jumpstarter.v1.kubernetes_pb2`
  (also ``Time`` and ``Condition``)
* :mod:`labelselector.proto.k8s.io.apimachinery.pkg.apis.meta.v1.labelselector_pb2`
  (from ``proto/k8s/io/apimachinery/pkg/apis/meta/v1/labelselector.proto``; the
  path spells ``k8s.io`` as ``k8s/io`` because ``k8s.io`` is not a valid Python
  package name, the protobuf package is the real one)

The generated code needs protobuf >= 5.26 at runtime.
"""

from labelselector.proto.jumpstarter.v1.kubernetes_pb2 import (
    LabelSelector as JumpstarterLabelSelector,
)
from labelselector.proto.jumpstarter.v1.kubernetes_pb2 import (
    LabelSelectorRequirement as JumpstarterLabelSelectorRequirement,
)
from labelselector.proto.k8s.io.apimachinery.pkg.apis.meta.v1.labelselector_pb2 import (
    LabelSelector as K8sLabelSelector,
)
from labelselector.proto.k8s.io.apimachinery.pkg.apis.meta.v1.labelselector_pb2 import (
    LabelSelectorRequirement as K8sLabelSelectorRequirement,
)

#: Full protobuf name of jumpstarter's selector message.
JUMPSTARTER_SELECTOR_NAME = "jumpstarter.v1.LabelSelector"
#: Full protobuf name of Kubernetes' selector message.
K8S_SELECTOR_NAME = "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector"

__all__ = [
    "JUMPSTARTER_SELECTOR_NAME",
    "K8S_SELECTOR_NAME",
    "JumpstarterLabelSelector",
    "JumpstarterLabelSelectorRequirement",
    "K8sLabelSelector",
    "K8sLabelSelectorRequirement",
]
