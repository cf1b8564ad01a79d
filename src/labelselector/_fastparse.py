"""A hand-written parser for the selector language: the fast path behind ``parse``.

:mod:`labelselector.grammar` defines the language; this module only makes parsing
cheap (a regex tokenizer and a loop instead of pyparsing's combinators). It reuses
the grammar's error templates and requirement builder, and the property tests in
``tests/test_fastparse.py`` check that it accepts, rejects (same message, same span)
and builds exactly what the grammar does.
"""

from __future__ import annotations

import re

from .errors import INVALID, FieldError, SelectorSyntaxError, SelectorValidationError
from .grammar import _IDENT, _PREFIX, SPECIAL, WHITESPACE, _new_requirement
from .selector import Requirement, Selector
from .validation import validate_label_key

__all__ = ["fast_parse"]

_TOKENS = re.compile(rf"[{re.escape(WHITESPACE)}]+|(!=|==|[{re.escape(SPECIAL)}]|{_IDENT})")
_BINARY = frozenset({"=", "==", "!=", ">", "<"})
_SPECIAL_TOKENS = frozenset({"!=", "==", *SPECIAL})

# Token kinds: identifiers are everything that is not a special token.
_END = ""


def _tokens(text: str) -> list[tuple[str, int, int]]:
    out = [
        (m.group(1), m.start(1), m.end(1)) for m in _TOKENS.finditer(text) if m.group(1) is not None
    ]
    n = len(text)
    out.append((_END, n, n))
    return out


def _is_ident(tok: str) -> bool:
    return tok != _END and tok not in _SPECIAL_TOKENS


def _syntax(template: str, text: str, tok: tuple[str, int, int]) -> SelectorSyntaxError:
    return SelectorSyntaxError(template.format(T=tok[0]), text, tok[1], tok[2])


def _key(text: str, tok: tuple[str, int, int]) -> tuple[str, int, int]:
    key = tok[0]
    msgs = validate_label_key(key)
    if msgs:
        err = FieldError(INVALID, None, key, "; ".join(msgs))
        raise SelectorValidationError(_PREFIX + str(err), text, tok[1], tok[2], [err])
    return tok


def fast_parse(text: str) -> Selector:
    """Parse ``text`` exactly as :func:`labelselector.grammar.parse_with_grammar` does."""
    toks = _tokens(text)
    i = 0
    reqs: list[Requirement] = []
    first = toks[0]
    if first[0] == _END:
        return Selector()
    if not (_is_ident(first[0]) or first[0] == "!"):
        raise _syntax("found '{T}', expected: !, identifier, or 'end of string'", text, first)
    while True:
        # One requirement starts at toks[i] (an identifier or "!").
        tok = toks[i]
        if tok[0] == "!":
            i += 1
            if not _is_ident(toks[i][0]):
                raise _syntax(_PREFIX + "found '{T}', expected: identifier", text, toks[i])
            key = _key(text, toks[i])
            i += 1
            reqs.append(_new_requirement(text, key, "!", [], key[2]))
        else:
            key = _key(text, tok)
            i += 1
            nxt = toks[i][0]
            if nxt == "," or nxt == _END:
                reqs.append(_new_requirement(text, key, None, [], key[2]))
            elif nxt == "in" or nxt == "notin":
                op = nxt
                i += 1
                if toks[i][0] != "(":
                    raise _syntax(_PREFIX + "found '{T}' expected: '('", text, toks[i])
                i += 1
                values: list[tuple[str, int, int]] = []
                t = toks[i]
                if t[0] == ")":
                    values.append(("", t[1], t[1]))
                elif _is_ident(t[0]) or t[0] == ",":
                    # item ("," item)* ")" where an item is a value or nothing.
                    if t[0] == ",":
                        values.append(("", t[1], t[1]))
                    else:
                        values.append(t)
                        i += 1
                    while True:
                        t = toks[i]
                        if t[0] == ")":
                            break
                        if t[0] != ",":
                            raise _syntax(_PREFIX + "found '{T}', expected: ',' or ')'", text, t)
                        i += 1
                        t = toks[i]
                        if _is_ident(t[0]):
                            values.append(t)
                            i += 1
                        elif t[0] == "," or t[0] == ")":
                            values.append(("", t[1], t[1]))
                        else:
                            raise _syntax(
                                _PREFIX + "found '{T}', expected: ',', or identifier", text, t
                            )
                else:
                    raise _syntax(
                        _PREFIX + "found '{T}', expected: ',', ')' or identifier", text, t
                    )
                end = toks[i][2]
                i += 1
                reqs.append(_new_requirement(text, key, op, values, end))
            elif nxt in _BINARY:
                op = nxt
                i += 1
                t = toks[i]
                if t[0] == "," or t[0] == _END:
                    value = ("", t[1], t[1])
                elif _is_ident(t[0]):
                    value = t
                    i += 1
                else:
                    raise _syntax(_PREFIX + "found '{T}', expected: identifier", text, t)
                reqs.append(_new_requirement(text, key, op, [value], value[2]))
            else:
                raise _syntax(
                    _PREFIX + "found '{T}', expected: in, notin, =, ==, !=, gt, lt", text, toks[i]
                )
        # Between requirements.
        t = toks[i]
        if t[0] == _END:
            return Selector(reqs)
        if t[0] != ",":
            raise _syntax("found '{T}', expected: ',' or 'end of string'", text, t)
        i += 1
        t = toks[i]
        if not (_is_ident(t[0]) or t[0] == "!"):
            raise _syntax("found '{T}', expected: identifier after ','", text, t)
