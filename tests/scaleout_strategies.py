"""Strategies for the engine tests: every operator, absent keys, odd keys and values,
and integer strings that engines' casts get wrong."""

from __future__ import annotations

from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

# Strings that Go's ParseInt accepts or rejects and some engine's cast does the opposite.
TRICKY_INTS = [
    "0", "5", "7", "10", "-3", "+5", "-0", "+0", "007", "-007", " 5", "5 ", "\t5", "1e3", "0x10",
    "0b101", "0o7", "1_000", "1.5", "5.0", "5\n", "5\r", "\n5", "5\x00", "\x005", "\u0665", "\uff15",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "0" * 40 + "7", "-" + "0" * 30 + "12", "0" * 5000 + "7", "12345678901234567890", "+", "-", "",
    "+-5", "--5", "00000000000000000009223372036854775807", "-00009223372036854775808", "99999999999999999999",
]  # fmt: skip

ODD = ["'", '"', "%s", "%", ":p0", "?", "/", "~", "\x00", "a\nb", "\\", "\u00e4", "$.a", "a.b", "[0]", "ls0", " "]

keys = st.sampled_from(["a", "b", "app", "example.com/n", "it's", 'q"k', "%s", ":p0", "?", "k\x00", "new\nline", "\u00e4", "$.a", "x.y"])
plain_values = st.sampled_from(["", "x", "y", "prod", *ODD])
label_values = st.one_of(plain_values, st.sampled_from(TRICKY_INTS), st.integers(-12, 12).map(str))
thresholds = st.one_of(
    st.integers(-12, 12),
    st.sampled_from([INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 1000, 16, -1000]),
)


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(keys)
    op = draw(st.sampled_from(list(Operator)))
    if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        return Requirement(key, op)
    if op in (Operator.GT, Operator.LT):
        t = draw(thresholds)
        spelled = draw(st.sampled_from([str(t), f"+{t}" if t >= 0 else str(t), f"0{t}" if t >= 0 else str(t)]))
        return Requirement(key, op, [spelled])
    return Requirement(key, op, draw(st.lists(label_values, min_size=1, max_size=3)))


selectors = st.one_of(
    st.lists(requirements(), max_size=4).map(Selector),
    st.sampled_from([Selector.everything(), Selector.nothing()]),
)
label_sets = st.dictionaries(keys, label_values, max_size=5)


def without_nul(labels: dict[str, str]) -> dict[str, str]:
    """The label set without pairs that mention NUL (for storage that cannot hold one)."""
    return {k: v for k, v in labels.items() if "\x00" not in k and "\x00" not in v}
