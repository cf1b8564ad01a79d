"""Hypothesis strategies for keys, values, requirements, selectors and label sets."""

from __future__ import annotations

from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector

_ALNUM = "abcxyzABZ019"
_INNER = _ALNUM + "-_."

# Valid label keys and values, biased toward a small alphabet so that selectors and
# label sets collide often; plus the keyword spellings that are also valid keys.
names = st.one_of(
    st.sampled_from(["a", "b", "x", "in", "notin", "app", "A", "0"]),
    st.builds(lambda a, m, z: a + m + z, st.sampled_from(_ALNUM), st.text(_INNER, max_size=4), st.sampled_from(_ALNUM)),
)
prefixes = st.sampled_from(["", "example.com/", "k8s.io/", "a-b.c/"])
keys = st.builds(lambda p, n: p + n, prefixes, names)
values = st.one_of(
    st.just(""),
    st.sampled_from(["a", "b", "x", "in", "notin", "prod", "1", "5", "05", "-"]).filter(lambda v: v != "-"),
    st.builds(lambda a, m, z: a + m + z, st.sampled_from(_ALNUM), st.text(_INNER, max_size=4), st.sampled_from(_ALNUM)),
)
ints = st.one_of(st.integers(0, 12), st.just(2**63 - 1)).map(str) | st.sampled_from(["007", "00"])


@st.composite
def requirements(draw: st.DrawFn, *, gt_lt: bool = True, key_pool: st.SearchStrategy[str] = keys) -> Requirement:
    key = draw(key_pool)
    ops = [Operator.IN, Operator.NOT_IN, Operator.EXISTS, Operator.DOES_NOT_EXIST]
    if gt_lt:
        ops += [Operator.GT, Operator.LT]
    op = draw(st.sampled_from(ops))
    if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        return Requirement(key, op)
    if op in (Operator.GT, Operator.LT):
        return Requirement(key, op, [draw(ints)])
    vals = draw(st.lists(values, min_size=1, max_size=4))
    spelling = None
    if len(set(vals)) == 1 and draw(st.booleans()):
        vals = vals[:1]
        spelling = draw(st.sampled_from(["=", "=="] if op is Operator.IN else ["!="]))
    elif op in (Operator.IN, Operator.NOT_IN):
        vals = sorted(set(vals))  # what Parse stores
    return Requirement(key, op, vals, spelling)


def selectors(*, gt_lt: bool = True, key_pool: st.SearchStrategy[str] = keys, max_size: int = 5) -> st.SearchStrategy[Selector]:
    """Selectors as Parse would build them (set values sorted and unique)."""
    return st.lists(requirements(gt_lt=gt_lt, key_pool=key_pool), max_size=max_size).map(Selector)


small_keys = st.sampled_from(["a", "b", "example.com/c"])
label_values = st.one_of(values, st.sampled_from(["+5", "-3", "abc", "9223372036854775808", " 1"]))
label_sets = st.dictionaries(st.one_of(small_keys, keys), label_values, max_size=5)
