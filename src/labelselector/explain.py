"""Why a selector does or does not match a label set, requirement by requirement.

:func:`explain` answers "why doesn't my Service select my pod?" in words a person
reads::

    >>> e = explain("tier in (web,api),!canary,env=prod",
    ...             {"tier": "db", "canary": "true", "environment": "prod"})
    >>> print(e)
    no match: 3 of 3 requirements fail
      FAIL  !canary: label canary is present ("true")
      FAIL  env=prod: label env is missing; nearest key: "environment" (its value "prod" would match)
      FAIL  tier in (api,web): label tier is "db"

Each line is a :class:`RequirementExplanation` (``requirement``, ``matched``,
``reason`` and, for a missing key or a near-miss value, a ``suggestion``), so the
linter and other tools can reuse the pieces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .api import as_selector
from .errors import go_quote, shorten
from .selector import Operator, Requirement, Selector, _int64

__all__ = ["Explanation", "RequirementExplanation", "explain", "nearest"]


@dataclass(frozen=True)
class RequirementExplanation:
    """One requirement's verdict on a label set.

    ``reason`` says what the label set holds for the key (``label tier is "db"``);
    ``suggestion`` is the nearest label key present when the key is missing, or the
    nearest allowed value when the value is a near miss (else ``None``); ``hint`` is
    the rendered suggestion appended to the reason in ``str()``.
    """

    requirement: Requirement
    matched: bool
    reason: str
    suggestion: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.requirement}: {self.reason}"
        return f"{text}; {self.hint}" if self.hint else text


@dataclass(frozen=True)
class Explanation:
    """The verdict of a selector on a label set, with one entry per requirement.

    True in a boolean context iff the selector matches. ``requirements`` follow the
    selector's (canonical, key-sorted) order; ``failures`` are the ones that fail.
    ``note`` explains selectors without requirements (everything / nothing).
    """

    selector: Selector
    labels: Mapping[str, str]
    matched: bool
    requirements: tuple[RequirementExplanation, ...]
    note: str | None = None

    def __bool__(self) -> bool:
        return self.matched

    @property
    def failures(self) -> tuple[RequirementExplanation, ...]:
        """The requirements that do not hold."""
        return tuple(r for r in self.requirements if not r.matched)

    def summary(self) -> str:
        """One line: ``match`` / ``no match`` and how many requirements fail."""
        if self.note is not None:
            return f"{'match' if self.matched else 'no match'}: {self.note}"
        n, bad = len(self.requirements), len(self.failures)
        if self.matched:
            return "match: the requirement holds" if n == 1 else f"match: all {n} requirements hold"
        if n == 1:
            return "no match: the requirement fails"
        return f"no match: {bad} of {n} requirements fail"

    def __str__(self) -> str:
        lines = [self.summary()]
        for r in self.requirements:
            lines.append(f"  {'ok  ' if r.matched else 'FAIL'}  {r}")
        return "\n".join(lines)


def _levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


_MAX_NEAR = 320
"""Longest word :func:`nearest` compares (a valid key is at most 317 bytes)."""


def _closeness(word: str, candidate: str) -> tuple[int, int] | None:
    """How near ``candidate`` is to ``word`` (lower is nearer), or ``None`` if not near."""
    if candidate == word:
        return None
    w, c = word.lower(), candidate.lower()
    if w == c:
        return (0, 0)  # differs only in case
    if len(w) > _MAX_NEAR or len(c) > _MAX_NEAR:
        return None  # longer than any valid key: no suggestion, no quadratic distance
    distance = _levenshtein(w, c)
    if distance <= max(1, min(len(w), len(c)) // 4):
        return (1, distance)  # a typo
    wname, cname = w.rsplit("/", 1)[-1], c.rsplit("/", 1)[-1]
    if wname == cname and wname:
        return (2, distance)  # same name, other prefix: "app" vs "app.kubernetes.io/app"
    shorter, longer = (w, c) if len(w) <= len(c) else (c, w)
    if len(shorter) >= 3 and (longer.startswith(shorter) or longer.endswith(shorter)):
        return (3, distance)  # an abbreviation: "env" vs "environment"
    return None


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most likely meant by ``word`` (case slip, typo, prefix), or ``None``.

    >>> nearest("env", ["environment", "app"])
    'environment'
    >>> nearest("tier", ["Tier", "teir"])
    'Tier'
    >>> nearest("app", ["zone"]) is None
    True
    """
    best: tuple[tuple[int, int], str] | None = None
    for c in candidates:
        score = _closeness(word, c)
        if score is not None and (best is None or (score, c) < best):
            best = (score, c)
    return best[1] if best else None


def _explain_requirement(r: Requirement, labels: Mapping[str, str]) -> RequirementExplanation:
    op, key = r.operator, r.key
    matched = r.matches(labels)
    value = labels.get(key)
    if value is None:
        reason = f"label {key} is missing"
        if op is Operator.NOT_IN:
            reason += f" (a missing key satisfies {r.spelling or 'notin'})"
        near = nearest(key, labels)
        if near is None:
            return RequirementExplanation(r, matched, reason)
        hint = f"nearest key: {go_quote(near)}"
        if op is not Operator.DOES_NOT_EXIST:
            moved = Requirement(near, op, r.values)
            if moved.matches(labels):
                verdict = "would match"
            else:
                verdict = "would not match" + ("" if matched else " either")
            hint += f" (its value {shorten(go_quote(labels[near]))} {verdict})"
        return RequirementExplanation(r, matched, reason, near, hint)
    shown = shorten(go_quote(value))
    if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        return RequirementExplanation(r, matched, f"label {key} is present ({shown})")
    if op in (Operator.GT, Operator.LT):
        n = _int64(value)
        if n is None:
            digits = value[1:] if value[:1] in ("+", "-") else value
            what = (
                "outside the int64 range"
                if digits.isascii() and digits.isdigit()
                else "not an integer"
            )
            return RequirementExplanation(r, matched, f"label {key} is {shown}, which is {what}")
        reason = f"label {key} is {shown}"
        if not matched:
            word = "greater" if op is Operator.GT else "less"
            reason += f" ({n} is not {word} than {r.threshold})"
        return RequirementExplanation(r, matched, reason)
    reason = f"label {key} is {shown}"
    if op is Operator.IN and not matched:
        near = nearest(value, r.values)
        if near is not None:
            return RequirementExplanation(
                r, matched, reason, near, f"nearest value: {go_quote(near)}"
            )
    return RequirementExplanation(r, matched, reason)


def explain(selector: Any, labels: Mapping[str, str] | None) -> Explanation:
    """Explain, requirement by requirement, whether ``selector`` matches ``labels``.

    ``selector`` is anything :func:`~labelselector.as_selector` accepts; ``labels``
    may be ``None`` (an object without labels). ``bool(explain(s, l))`` always equals
    ``as_selector(s).matches(l)``.

    >>> print(explain("app=web,tier!=db", {"app": "web"}))
    match: all 2 requirements hold
      ok    app=web: label app is "web"
      ok    tier!=db: label tier is missing (a missing key satisfies !=)
    """
    sel = as_selector(selector)
    lab: Mapping[str, str] = {} if labels is None else labels
    if sel.is_nothing:
        note = "the selector matches nothing (a nil LabelSelector)"
        return Explanation(sel, lab, False, (), note)
    if not sel.requirements:
        note = "the empty selector matches every label set"
        return Explanation(sel, lab, True, (), note)
    items = tuple(_explain_requirement(r, lab) for r in sel.requirements)
    return Explanation(sel, lab, all(i.matched for i in items), items)
