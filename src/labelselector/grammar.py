"""The selector language, defined as a pyparsing grammar.

This module is the definition of the language. It mirrors Kubernetes'
``labels.Lexer`` + ``labels.Parser`` (apimachinery ``pkg/labels/selector.go``):

* whitespace is exactly ``' '``, ``'\\t'``, ``'\\r'``, ``'\\n'``;
* the special characters are ``= ! ( ) , > <``, read greedily into the tokens
  ``!= == = ! ( ) , > <`` (so ``===`` is ``==`` then ``=``, and ``>=`` is ``>`` then ``=``);
* every other character belongs to an identifier; an identifier spelled exactly
  ``in`` or ``notin`` is an operator only where an operator is expected;
* the structure is::

      selector    := ε | requirement ("," requirement)*
      requirement := "!" KEY
                   | KEY                                   (followed by "," or the end)
                   | KEY ("=" | "==" | "!=" | ">" | "<") VALUE?
                   | KEY ("in" | "notin") "(" valuelist ")"
      valuelist   := ε | item ("," item)*      item := VALUE | ε

Every point where Kubernetes' parser can fail is an explicit alternative in the
grammar (:class:`_Expected`), which raises :class:`~labelselector.errors.SelectorSyntaxError`
with Kubernetes' message for exactly that point, the token found there and its
position. Keys are validated as soon as they are read and values when the
requirement is complete, as ``NewRequirement`` does; so the first error wins, as in Go.
"""

from __future__ import annotations

import re
from typing import Any

import pyparsing as pp

from .errors import INVALID, FieldError, SelectorSyntaxError, SelectorValidationError, aggregate
from .selector import Operator, Requirement, Selector, _int64
from .validation import validate_label_key, validate_label_value

__all__ = ["SELECTOR", "parse_with_grammar", "next_token", "WHITESPACE", "SPECIAL"]

WHITESPACE = " \t\r\n"
SPECIAL = "=!(),<>"
_IDENT = f"[^{re.escape(WHITESPACE + SPECIAL)}]+"
_TOKEN_RE = re.compile(rf"!=|==|[{re.escape(SPECIAL)}]|{_IDENT}")
_PREFIX = "unable to parse requirement: "


def next_token(text: str, loc: int) -> tuple[str, int, int]:
    """The Kubernetes token at ``loc`` (after whitespace): ``(literal, start, end)``.

    At the end of the input the literal is ``""``, as Go prints it.
    """
    n = len(text)
    while loc < n and text[loc] in WHITESPACE:
        loc += 1
    m = _TOKEN_RE.match(text, loc)
    if m is None:
        return "", loc, loc
    return m.group(), loc, m.end()


def _ws(expr: pp.ParserElement) -> pp.ParserElement:
    # Set explicitly: pyparsing's default whitespace is global state another
    # library could change.
    return expr.set_whitespace_chars(WHITESPACE, copy_defaults=False)


class _Expected(pp.Token):
    """Fails the whole parse with Kubernetes' message for this point of the grammar.

    ``template`` holds ``{T}``, which becomes the literal of the token found here.
    Raising a non-pyparsing exception stops pyparsing from backtracking, exactly as
    Go's parser stops at its first error.
    """

    def __init__(self, template: str) -> None:
        super().__init__()
        self.template = template
        self.mayReturnEmpty = True
        self.mayIndexError = False
        self.set_name(template)
        _ws(self)

    def parseImpl(self, instring: str, loc: int, do_actions: bool = True) -> Any:  # noqa: N802
        lit, start, end = next_token(instring, loc)
        raise SelectorSyntaxError(self.template.format(T=lit), instring, start, end)


def _located_key(s: str, loc: int, toks: pp.ParseResults) -> tuple[str, int, int]:
    key = toks[0]
    msgs = validate_label_key(key)
    if msgs:
        err = FieldError(INVALID, None, key, "; ".join(msgs))
        raise SelectorValidationError(_PREFIX + str(err), s, loc, loc + len(key), [err])
    return (key, loc, loc + len(key))


def _located_value(s: str, loc: int, toks: pp.ParseResults) -> tuple[str, int, int]:
    return (toks[0], loc, loc + len(toks[0]))


def _empty_value(s: str, loc: int, toks: pp.ParseResults) -> tuple[str, int, int]:
    return ("", loc, loc)


_BINARY = {
    "=": (Operator.IN, "="),
    "==": (Operator.IN, "=="),
    "!=": (Operator.NOT_IN, "!="),
    ">": (Operator.GT, None),
    "<": (Operator.LT, None),
    "in": (Operator.IN, None),
    "notin": (Operator.NOT_IN, None),
}


_IN, _NOT_IN, _GT, _LT = Operator.IN, Operator.NOT_IN, Operator.GT, Operator.LT
_EXISTS, _DOES_NOT_EXIST = Operator.EXISTS, Operator.DOES_NOT_EXIST  # enum reads are slow


def _new_requirement(
    text: str,
    key: tuple[str, int, int],
    op_text: str | None,
    values: list[tuple[str, int, int]],
    end: int,
) -> Requirement:
    """``NewRequirement`` for what the parser read: value checks, then the node."""
    name = key[0]
    if op_text is None:
        return Requirement(name, _EXISTS)
    if op_text == "!":
        return Requirement(name, _DOES_NOT_EXIST)
    op, spelling = _BINARY[op_text]
    if op in (_IN, _NOT_IN) and spelling is None:
        # Parse collects set values in a string set: sorted, duplicates dropped.
        vals = sorted({v for v, _, _ in values})
    else:
        vals = [values[0][0]]
    where = {}
    for v, v_start, v_end in reversed(values):
        where[v] = (v_start, v_end)  # first occurrence wins
    errors: list[FieldError] = []
    spans: list[tuple[int, int]] = []
    if op in (_GT, _LT) and _int64(vals[0]) is None:
        spans.append(where[vals[0]])
        errors.append(
            FieldError(
                INVALID,
                "values[0]",
                vals[0],
                "for 'Gt', 'Lt' operators, the value must be an integer",
            )
        )
    for i, v in enumerate(vals):
        msgs = validate_label_value(v)
        if msgs:
            errors.append(FieldError(INVALID, f"values[{i}][{name}]", v, "; ".join(msgs)))
            spans.append(where[v])
    if errors:
        # The caret goes under the offending value(s); an empty value has no width,
        # so it points at where the value should have been.
        bad_start = min(s for s, _ in spans)
        bad_end = max(e for _, e in spans)
        raise SelectorValidationError(_PREFIX + aggregate(errors), text, bad_start, bad_end, errors)
    return Requirement(name, op, vals, spelling)


def _build_grammar() -> pp.ParserElement:
    def lit(s: str) -> pp.ParserElement:
        return _ws(pp.Literal(s))

    def regex(r: str) -> pp.ParserElement:
        return _ws(pp.Regex(r))

    ident = regex(_IDENT).set_name("identifier")
    comma, lpar, rpar = lit(","), lit("("), lit(")")
    end = _ws(pp.StringEnd())
    bang = regex("!(?!=)").set_name("!")  # "!=" is one token
    not_ident = f"(?![^{re.escape(WHITESPACE + SPECIAL)}])"
    set_op = regex(f"notin{not_ident}") | regex(f"in{not_ident}")
    binary_op = lit("==") | lit("!=") | lit("=") | lit(">") | lit("<")

    key = ident.copy().set_parse_action(_located_key)
    value = ident.copy().set_parse_action(_located_value)
    empty = _ws(pp.Empty()).set_parse_action(_empty_value)

    # "=", "!=", ">" ...: one value, or "" when the requirement ends right there.
    exact_value = (
        (pp.FollowedBy(comma | end) + empty)
        | value
        | _Expected(_PREFIX + "found '{T}', expected: identifier")
    )
    # Inside "( ... )"; the failure messages differ by what was read last.
    item_after_comma = (
        value
        | (pp.FollowedBy(comma | rpar) + empty)
        | _Expected(_PREFIX + "found '{T}', expected: ',', or identifier")
    )
    after_item = pp.FollowedBy(comma | rpar) | _Expected(
        _PREFIX + "found '{T}', expected: ',' or ')'"
    )
    items = (
        (value | (pp.FollowedBy(comma) + empty))
        + after_item
        + pp.ZeroOrMore(pp.Suppress(comma) + item_after_comma + after_item)
        + pp.Suppress(rpar)
    )
    value_list = (lpar | _Expected(_PREFIX + "found '{T}' expected: '('")).suppress() + (
        (pp.Suppress(rpar) + empty)  # "()" means the one value ""
        | items
        | _Expected(_PREFIX + "found '{T}', expected: ',', ')' or identifier")
    )
    operator_part = (
        (pp.FollowedBy(comma | end).suppress())
        | (set_op + value_list)
        | (binary_op + exact_value)
        | _Expected(_PREFIX + "found '{T}', expected: in, notin, =, ==, !=, gt, lt")
    )
    key_requirement = key + operator_part
    absent_requirement = bang + (key | _Expected(_PREFIX + "found '{T}', expected: identifier"))
    requirement = pp.Located(absent_requirement | key_requirement).set_parse_action(
        _requirement_action
    )
    more = pp.ZeroOrMore(
        pp.Suppress(comma)
        + (
            (pp.FollowedBy(ident | bang) + requirement)
            | _Expected("found '{T}', expected: identifier after ','")
        )
    )
    selector = (
        end
        | (requirement + more + (end | _Expected("found '{T}', expected: ',' or 'end of string'")))
        | _Expected("found '{T}', expected: !, identifier, or 'end of string'")
    )
    # parse_with_tabs: pyparsing would otherwise expand tabs and shift every position.
    return _ws(selector).set_name("selector").parse_with_tabs()


def _requirement_action(s: str, loc: int, toks: pp.ParseResults) -> Requirement:
    end = toks[2]
    parts = list(toks[1])
    if parts[0] == "!":
        return _new_requirement(s, parts[1], "!", [], end)
    key = parts[0]
    if len(parts) == 1:
        return _new_requirement(s, key, None, [], end)
    return _new_requirement(s, key, parts[1], parts[2:], end)


SELECTOR: pp.ParserElement = _build_grammar()
"""The pyparsing grammar of a whole selector string."""


def parse_with_grammar(text: str) -> Selector:
    """Parse ``text`` with the pyparsing grammar (the reference implementation)."""
    try:
        result = SELECTOR.parse_string(text, parse_all=False)
    except pp.ParseBaseException as exc:  # pragma: no cover - every failure is _Expected
        lit, start, end = next_token(text, exc.loc)
        raise SelectorSyntaxError(f"found '{lit}', unexpected", text, start, end) from None
    return Selector([r for r in result if isinstance(r, Requirement)])
