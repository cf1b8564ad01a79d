"""A hand-written parser for the selector language: the fast path behind ``parse``.

:mod:`labelselector.grammar` defines the language; this module only makes parsing
cheap (a regex tokenizer and a loop instead of pyparsing's combinators). It reuses
the grammar's error templates and requirement builder, and the property tests in
``tests/test_fastparse.py`` check that it accepts, rejects (same message, same span)
and builds exactly what the grammar does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import INVALID, FieldError, SelectorSyntaxError, SelectorValidationError
from .grammar import _IDENT, _PREFIX, SPECIAL, WHITESPACE, _new_requirement
from .selector import Requirement, Selector
from .validation import validate_label_key

__all__ = ["fast_parse"]

# One match per token, with the whitespace before it: group 1 is the token.
_TOKENS = re.compile(rf"[{re.escape(WHITESPACE)}]*(!=|==|[{re.escape(SPECIAL)}]|{_IDENT})")
_BINARY = frozenset({"=", "==", "!=", ">", "<"})
_SPECIAL_TOKENS = frozenset({"!=", "==", *SPECIAL})

# Token kinds: identifiers are everything that is not a special token.
_END = ""

Token = tuple[str, int, int]


def _tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` as ``(literal, start, end)``, read lazily, then the end forever.

    Lazy, so a parse that fails early never reads (or stores) the rest of the input.
    """
    for m in _TOKENS.finditer(text):
        start, end = m.span(1)
        yield (m.group(1), start, end)
    n = len(text)
    while True:
        yield (_END, n, n)


def _is_ident(tok: str) -> bool:
    return tok != _END and tok not in _SPECIAL_TOKENS


def _syntax(template: str, text: str, tok: Token) -> SelectorSyntaxError:
    return SelectorSyntaxError(template.format(T=tok[0]), text, tok[1], tok[2])


def _key(text: str, tok: Token) -> Token:
    key = tok[0]
    msgs = validate_label_key(key)
    if msgs:
        err = FieldError(INVALID, None, key, "; ".join(msgs))
        raise SelectorValidationError(_PREFIX + str(err), text, tok[1], tok[2], [err])
    return tok


def fast_parse(text: str) -> Selector:
    """Parse ``text`` exactly as :func:`labelselector.grammar.parse_with_grammar` does.

    One token of look-ahead, read on demand: the first error stops the parse.
    """
    nxt = _tokens(text).__next__
    reqs: list[Requirement] = []
    t = nxt()
    if t[0] == _END:
        return Selector()
    if not (_is_ident(t[0]) or t[0] == "!"):
        raise _syntax("found '{T}', expected: !, identifier, or 'end of string'", text, t)
    while True:
        # One requirement starts at t (an identifier or "!").
        if t[0] == "!":
            t = nxt()
            if not _is_ident(t[0]):
                raise _syntax(_PREFIX + "found '{T}', expected: identifier", text, t)
            key = _key(text, t)
            reqs.append(_new_requirement(text, key, "!", [], key[2]))
            t = nxt()
        else:
            key = _key(text, t)
            t = nxt()
            op = t[0]
            if op == "," or op == _END:
                reqs.append(_new_requirement(text, key, None, [], key[2]))
            elif op == "in" or op == "notin":
                t = nxt()
                if t[0] != "(":
                    raise _syntax(_PREFIX + "found '{T}' expected: '('", text, t)
                t = nxt()
                values: list[Token] = []
                if t[0] == ")":
                    values.append(("", t[1], t[1]))
                elif _is_ident(t[0]) or t[0] == ",":
                    # item ("," item)* ")" where an item is a value or nothing.
                    if t[0] == ",":
                        values.append(("", t[1], t[1]))
                    else:
                        values.append(t)
                        t = nxt()
                    while t[0] != ")":
                        if t[0] != ",":
                            raise _syntax(_PREFIX + "found '{T}', expected: ',' or ')'", text, t)
                        t = nxt()
                        if _is_ident(t[0]):
                            values.append(t)
                            t = nxt()
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
                end = t[2]  # t is the ")"
                t = nxt()
                reqs.append(_new_requirement(text, key, op, values, end))
            elif op in _BINARY:
                t = nxt()
                if t[0] == "," or t[0] == _END:
                    value = ("", t[1], t[1])
                elif _is_ident(t[0]):
                    value = t
                    t = nxt()
                else:
                    raise _syntax(_PREFIX + "found '{T}', expected: identifier", text, t)
                reqs.append(_new_requirement(text, key, op, [value], value[2]))
            else:
                raise _syntax(
                    _PREFIX + "found '{T}', expected: in, notin, =, ==, !=, gt, lt", text, t
                )
        # Between requirements.
        if t[0] == _END:
            return Selector(reqs)
        if t[0] != ",":
            raise _syntax("found '{T}', expected: ',' or 'end of string'", text, t)
        t = nxt()
        if not (_is_ident(t[0]) or t[0] == "!"):
            raise _syntax("found '{T}', expected: identifier after ','", text, t)
