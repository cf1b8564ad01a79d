"""Errors, with Kubernetes' exact texts and a caret under the offending input.

:class:`FieldError` renders like Go's ``field.Error``; :func:`aggregate` joins several
like ``utilerrors.NewAggregate(...).Error()``; :func:`go_quote` is Go's ``%q``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Final

from ._unicode_print import ENDS as _PRINT_ENDS
from ._unicode_print import STARTS as _PRINT_STARTS

__all__ = [
    "SelectorError",
    "SelectorSyntaxError",
    "SelectorValidationError",
    "FieldError",
    "REQUIRED",
    "FORBIDDEN",
    "INVALID",
    "NOT_SUPPORTED",
    "go_quote",
    "aggregate",
]

REQUIRED: Final = "Required value"
FORBIDDEN: Final = "Forbidden"
INVALID: Final = "Invalid value"
NOT_SUPPORTED: Final = "Unsupported value"

_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


def _go_printable(cp: int) -> bool:
    """Go's ``unicode.IsPrint`` with Go's Unicode 15.0 tables, whatever Python's version."""
    if cp < 0x7F:
        return cp >= 0x20
    i = bisect_right(_PRINT_STARTS, cp) - 1
    return i >= 0 and cp <= _PRINT_ENDS[i]


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` (``%q``): printable runes kept, the rest escaped."""
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif _go_printable(ord(ch)):
            out.append(ch)
        else:
            cp = ord(ch)
            if cp < 0x20 or cp == 0x7F:
                out.append(f"\\x{cp:02x}")
            elif 0xD800 <= cp <= 0xDFFF:  # lone surrogate: not a valid rune
                out.append("\\ufffd")
            elif cp < 0x10000:
                out.append(f"\\u{cp:04x}")
            else:
                out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


def _go_json(value: object) -> str:
    # Go's encoding/json escapes <, > and & for HTML safety, and always escapes
    # U+2028/U+2029 (JavaScript line terminators); Python's json does neither.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, esc in _JSON_ESCAPES:
        text = text.replace(raw, esc)
    return text


_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


class _Omitted:
    def __repr__(self) -> str:
        return "<omitted>"


OMITTED: Final = _Omitted()
"""Bad value of Required/Forbidden errors, which Kubernetes does not print."""


class FieldError:
    """One field error, as ``k8s.io/apimachinery/pkg/util/validation/field.Error``.

    ``field`` is the path (``None`` prints as Go's ``<nil>``), ``type`` one of
    :data:`REQUIRED`, :data:`FORBIDDEN`, :data:`INVALID`, :data:`NOT_SUPPORTED`.
    ``str()`` gives exactly Kubernetes' text.
    """

    __slots__ = ("type", "field", "bad_value", "detail")

    def __init__(
        self, type: str, field: str | None, bad_value: object = OMITTED, detail: str = ""
    ) -> None:
        self.type = type
        self.field = field
        self.bad_value = bad_value
        self.detail = detail

    def body(self) -> str:
        """The part after ``field: `` (Go's ``ErrorBody``)."""
        value = self.bad_value
        if self.type in (REQUIRED, FORBIDDEN) or value is OMITTED:
            s = self.type
        elif isinstance(value, str):
            s = f"{self.type}: {go_quote(value)}"
        elif isinstance(value, bool):
            s = f"{self.type}: {'true' if value else 'false'}"
        elif isinstance(value, (int, float)):
            s = f"{self.type}: {value}"
        else:
            s = f"{self.type}: {_go_json(value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{'<nil>' if self.field is None else self.field}: {self.body()}"

    def __repr__(self) -> str:
        return f"FieldError({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldError):
            return NotImplemented
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def aggregate(errors: Sequence[object]) -> str:
    """Go's ``utilerrors.Aggregate.Error()``: one error bare, several as ``[a, b]``, deduped."""
    msgs: list[str] = []
    for e in errors:
        m = str(e)
        if m not in msgs:
            msgs.append(m)
    if len(msgs) == 1:
        return msgs[0]
    return "[" + ", ".join(msgs) + "]"


class SelectorError(ValueError):
    """A selector could not be parsed, built or converted.

    ``message`` is the text Kubernetes returns for the same input. When the
    selector came from a string, ``text`` is that string and ``pos``/``end`` the
    span (character offsets) of the offending part; ``str(err)`` then shows the
    message, the input line and a caret marker under the span.
    """

    def __init__(
        self,
        message: str,
        text: str | None = None,
        pos: int | None = None,
        end: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.pos = pos
        self.end = end if end is not None else pos

    def __str__(self) -> str:
        message = shorten(self.message)
        if self.text is None or self.pos is None:
            return message
        return f"{message}\n{caret_lines(self.text, self.pos, self.end or self.pos)}"

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.text, self.pos, self.end))


class SelectorSyntaxError(SelectorError):
    """The selector string does not follow the grammar (Kubernetes' parse errors)."""


class SelectorValidationError(SelectorError):
    """A key, value, operator or value count is invalid (``NewRequirement`` errors).

    ``errors`` holds the individual :class:`FieldError` objects when there are any.
    """

    def __init__(
        self,
        message: str,
        text: str | None = None,
        pos: int | None = None,
        end: int | None = None,
        errors: Sequence[FieldError] = (),
    ) -> None:
        super().__init__(message, text, pos, end)
        self.errors = list(errors)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.text, self.pos, self.end, self.errors))


# ``str()`` of an error stays short whatever the input: ``message`` keeps Kubernetes'
# full text (which quotes offending values whole), the display shortens it.
MAX_RUN: Final = 200
"""Longest run of non-blank characters ``str(err)`` shows whole; longer runs are cut."""
MAX_MESSAGE: Final = 2000
"""Longest message ``str(err)`` shows whole; a longer one loses its middle."""
MAX_LINE: Final = 200
"""Longest input line ``str(err)`` shows whole; a longer one is shown around the caret."""
_CONTEXT = 40  # characters of input shown either side of the marked span
_SPAN = 80  # characters of the marked span shown at most
_RUN_RE = re.compile(rf"[^ ]{{{MAX_RUN + 1},}}")


def _cut(text: str, head: int, tail: int) -> str:
    return f"{text[:head]}...[{len(text) - head - tail} more characters]...{text[-tail:]}"


def shorten(message: str) -> str:
    """``message`` for display: long runs (quoted values, tokens) cut in the middle.

    Messages that hold no run over :data:`MAX_RUN` characters and are at most
    :data:`MAX_MESSAGE` long are returned unchanged.
    """
    if len(message) <= MAX_RUN:
        return message
    out = _RUN_RE.sub(lambda m: _cut(m.group(), MAX_RUN // 2, MAX_RUN // 4), message)
    if len(out) > MAX_MESSAGE:
        out = _cut(out, MAX_MESSAGE // 2, MAX_MESSAGE // 4)
    return out


def _visible(text: str) -> str:
    # Control characters would break the caret alignment: show them as one '?' each.
    return "".join(c if c.isprintable() or c == " " else "?" for c in text)


def caret_lines(text: str, pos: int, end: int) -> str:
    """The input line holding ``pos`` with ``~~~^`` under ``pos..end`` (packaging-style).

    A line longer than :data:`MAX_LINE` is shown as a window around the span (at most
    :data:`_SPAN` characters of it, :data:`_CONTEXT` either side), with ``...`` where
    the line goes on; so the output is bounded whatever the input's size.
    """
    start = text.rfind("\n", 0, pos) + 1
    stop = text.find("\n", pos)
    if stop == -1:
        stop = len(text)
    end = max(pos, min(end, stop))
    lo, hi, shown_end = start, stop, end
    if stop - start > MAX_LINE:
        shown_end = min(end, pos + _SPAN)
        lo = max(start, pos - _CONTEXT)
        hi = min(stop, max(shown_end, pos + 1) + _CONTEXT)
    left = "..." if lo > start else ""
    right = "..." if hi < stop else ""
    line = left + _visible(text[lo:hi]) + right
    col = len(left) + pos - lo
    width = max(1, shown_end - pos)
    prefix = f"line {text.count(chr(10), 0, pos) + 1}: " if start > 0 or stop < len(text) else ""
    marker = " " * (len(prefix) + col) + "~" * (width - 1) + "^"
    return f"    {prefix}{line}\n    {marker}"
