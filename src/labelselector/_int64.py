"""Go's ``strconv.ParseInt(text, 10, 64)`` for label values and Gt/Lt thresholds."""

from __future__ import annotations

__all__ = ["parse_int64", "INT64_DIGITS"]

INT64_DIGITS = 19
"""Significant digits of the largest int64 (9223372036854775807)."""


def parse_int64(text: str) -> int | None:
    """Go's ``strconv.ParseInt(text, 10, 64)``: optional sign, ASCII digits, int64 range.

    Like Go, it has no length limit: leading zeros are free (``"0" * 5000 + "7"`` is 7)
    and more than 19 significant digits is out of range. Only short digit strings reach
    ``int()``, so Python's int-string conversion limit never applies.
    """
    if not text:
        return None
    body = text[1:] if text[0] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    if len(body) > INT64_DIGITS:
        body = body.lstrip("0")
        if len(body) > INT64_DIGITS:
            return None
        n = int(body or "0")
        if text[0] == "-":
            n = -n
    else:
        n = int(text)
    if -(2**63) <= n <= 2**63 - 1:
        return n
    return None
