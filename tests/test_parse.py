"""Selector-string parsing: Kubernetes' test tables, our error texts and positions."""

from __future__ import annotations

import pytest

from labelselector import (
    Operator,
    Requirement,
    Selector,
    SelectorError,
    SelectorSyntaxError,
    SelectorValidationError,
    parse,
)
from labelselector.grammar import next_token, parse_with_grammar

from .conftest import corpus_path

NAME_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
INT_MSG = "for 'Gt', 'Lt' operators, the value must be an integer"
PFX = "unable to parse requirement: "


# TestSelectorParse: String() is the input with spaces removed.
@pytest.mark.parametrize(
    "text",
    ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"],
)
def test_good_strings_restring(text: str) -> None:
    assert str(parse(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_bad_strings(text: str) -> None:
    with pytest.raises(SelectorError):
        parse(text)


def test_deterministic_parse() -> None:
    assert str(parse("x=a,a=x")) == str(parse("a=x,x=a")) == "a=x,x=a"


# TestSetSelectorParser and the semantics document's table.
@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("   ", ""),
        ("\t\r\n", ""),
        ("\rx", "x"),
        (" x ", "x"),
        ("! x", "!x"),
        ("!  x", "!x"),
        ("this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)",
        ),
        ("foo  in\t (abc)", "foo in (abc)"),
        ("x notin\n (abc)", "x notin (abc)"),
        ("x  notin\t\t\t(abc,def)", "x notin (abc,def)"),
        ("x in (abc,)", "x in (,abc)"),
        ("x in ()", "x in ()"),
        ("x in ( )", "x in ()"),
        ("x in (,)", "x in ()"),
        ("x in (,,)", "x in ()"),
        ("x in (,a)", "x in (,a)"),
        ("x notin (, a)", "x notin (,a)"),
        ("x in (a,,b)", "x in (,a,b)"),
        ("x in (a,,)", "x in (,a)"),
        ("x in (a,,,,,,)", "x in (,a)"),
        ("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"),
        ("x in (abc,abc)", "x in (abc)"),
        ("x in (b,a,b)", "x in (a,b)"),
        ("x in(a)", "x in (a)"),
        ("x notin(a)", "x notin (a)"),
        ("x,y in (a)", "x,y in (a)"),
        ("x=a", "x=a"),
        ("x>1", "x>1"),
        ("x> 1", "x>1"),
        ("x>01", "x>01"),
        ("x<1", "x<1"),
        ("x = a", "x=a"),
        ("x\n=\na", "x=a"),
        ("x==a", "x==a"),
        ("x=,y=", "x=,y="),
        ("x= ,y", "x=,y"),
        ("x=a,x=b", "x=a,x=b"),
        ("x,!x", "x,!x"),
        ("x in (a),x notin (a)", "x in (a),x notin (a)"),
        ("b=1,a=2,c=3", "a=2,b=1,c=3"),
        ("in=in", "in=in"),
        ("notin=in", "notin=in"),
        ("in in (in)", "in in (in)"),
        ("notin notin (notin)", "notin notin (notin)"),
        ("x in (in,notin)", "x in (in,notin)"),
        ("x>9223372036854775807", "x>9223372036854775807"),
        ("B=1,a=1,-=1".replace(",-=1", ""), "B=1,a=1"),  # uppercase sorts first
        ("a.b=1,a-b=1,a/b=1,a0=1", "a-b=1,a.b=1,a/b=1,a0=1"),  # byte order
    ],
)
def test_parse_canonical(text: str, canonical: str) -> None:
    sel = parse(text)
    assert str(sel) == canonical
    assert parse(canonical) == sel


def test_set_values_and_spelling() -> None:
    sel = parse("x notin (abc,,def),bar,z in (),w")
    assert sel.requirements == (
        Requirement("bar", Operator.EXISTS),
        Requirement("w", Operator.EXISTS),
        Requirement("x", Operator.NOT_IN, ["", "abc", "def"]),
        Requirement("z", Operator.IN, [""]),
    )
    # Parse sorts and de-duplicates set values in the stored requirement.
    assert parse("x in (b,a,b)").requirements[0].values == ("a", "b")
    r = parse("x==a").requirements[0]
    assert (r.operator, r.values, r.spelling) == (Operator.IN, ("a",), "==")
    assert parse("x!=a").requirements[0].operator is Operator.NOT_IN
    # Equality is semantic: spelling does not matter, printing does.
    assert parse("x=a") == parse("x==a") == parse("x in (a)")
    assert {str(parse(s)) for s in ("x=a", "x==a", "x in (a)")} == {"x=a", "x==a", "x in (a)"}


def test_same_key_requirements_keep_input_order() -> None:
    assert str(parse("x=a,x")) == "x=a,x"
    assert str(parse("x,x=a")) == "x,x=a"
    assert [str(r) for r in parse("b,a=1,b=2,a").requirements] == ["a=1", "a", "b", "b=2"]


# Every error path: exact Kubernetes message and the span of the offending token.
@pytest.mark.parametrize(
    ("text", "message", "span", "kind"),
    [
        (",x", "found ',', expected: !, identifier, or 'end of string'", (0, 1), SelectorSyntaxError),
        ("=", "found '=', expected: !, identifier, or 'end of string'", (0, 1), SelectorSyntaxError),
        ("!=x", "found '!=', expected: !, identifier, or 'end of string'", (0, 2), SelectorSyntaxError),
        ("()", "found '(', expected: !, identifier, or 'end of string'", (0, 1), SelectorSyntaxError),
        ("x=a b", "found 'b', expected: ',' or 'end of string'", (4, 5), SelectorSyntaxError),
        ("x==a==b", "found '==', expected: ',' or 'end of string'", (4, 6), SelectorSyntaxError),
        ("!x=a", "found '=', expected: ',' or 'end of string'", (2, 3), SelectorSyntaxError),
        ("!x in (a)", "found 'in', expected: ',' or 'end of string'", (3, 5), SelectorSyntaxError),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'", (10, 11), SelectorSyntaxError),
        ("x,", "found '', expected: identifier after ','", (2, 2), SelectorSyntaxError),
        ("x in (a),", "found '', expected: identifier after ','", (9, 9), SelectorSyntaxError),
        ("x,,y", "found ',', expected: identifier after ','", (2, 3), SelectorSyntaxError),
        ("x,=a", "found '=', expected: identifier after ','", (2, 3), SelectorSyntaxError),
        ("!!x", PFX + "found '!', expected: identifier", (1, 2), SelectorSyntaxError),
        ("!", PFX + "found '', expected: identifier", (1, 1), SelectorSyntaxError),
        ("x=(a)", PFX + "found '(', expected: identifier", (2, 3), SelectorSyntaxError),
        ("x>=1", PFX + "found '=', expected: identifier", (2, 3), SelectorSyntaxError),
        ("x<>1", PFX + "found '>', expected: identifier", (2, 3), SelectorSyntaxError),
        ("x===a", PFX + "found '=', expected: identifier", (3, 4), SelectorSyntaxError),
        ("xin (a)", PFX + "found '(', expected: in, notin, =, ==, !=, gt, lt", (4, 5), SelectorSyntaxError),
        ("x In (a)", PFX + "found 'In', expected: in, notin, =, ==, !=, gt, lt", (2, 4), SelectorSyntaxError),
        ("x exists", PFX + "found 'exists', expected: in, notin, =, ==, !=, gt, lt", (2, 8), SelectorSyntaxError),
        ("x gt 1", PFX + "found 'gt', expected: in, notin, =, ==, !=, gt, lt", (2, 4), SelectorSyntaxError),
        ("x nott in (y)", PFX + "found 'nott', expected: in, notin, =, ==, !=, gt, lt", (2, 6), SelectorSyntaxError),
        ("a!!!", PFX + "found '!', expected: in, notin, =, ==, !=, gt, lt", (1, 2), SelectorSyntaxError),
        ("a (", PFX + "found '(', expected: in, notin, =, ==, !=, gt, lt", (2, 3), SelectorSyntaxError),
        ("x in a", PFX + "found 'a' expected: '('", (5, 6), SelectorSyntaxError),
        ("x in", PFX + "found '' expected: '('", (4, 4), SelectorSyntaxError),
        ("x in ((a))", PFX + "found '(', expected: ',', ')' or identifier", (6, 7), SelectorSyntaxError),
        ("a notin(", PFX + "found '', expected: ',', ')' or identifier", (8, 8), SelectorSyntaxError),
        ("x in (a", PFX + "found '', expected: ',' or ')'", (7, 7), SelectorSyntaxError),
        ("x in (a b)", PFX + "found 'b', expected: ',' or ')'", (8, 9), SelectorSyntaxError),
        ("a in (xyz abc)", PFX + "found 'abc', expected: ',' or ')'", (10, 13), SelectorSyntaxError),
        ("x in (a,=)", PFX + "found '=', expected: ',', or identifier", (8, 9), SelectorSyntaxError),
        ("x in (a,", PFX + "found '', expected: ',', or identifier", (8, 8), SelectorSyntaxError),
        ("-x", PFX + f'<nil>: Invalid value: "-x": {NAME_MSG}', (0, 2), SelectorValidationError),
        ("run:tmp", PFX + f'<nil>: Invalid value: "run:tmp": {NAME_MSG}', (0, 7), SelectorValidationError),
        (
            "app=cloud-services,-ltier=postgres",
            PFX + f'<nil>: Invalid value: "-ltier": {NAME_MSG}',
            (19, 25),
            SelectorValidationError,
        ),
        ("x=a||y=b", PFX + f'values[0][x]: Invalid value: "a||y": {VALUE_MSG}', (2, 6), SelectorValidationError),
        ("x>-1", PFX + f'values[0][x]: Invalid value: "-1": {VALUE_MSG}', (2, 4), SelectorValidationError),
        ("x>+1", PFX + f'values[0][x]: Invalid value: "+1": {VALUE_MSG}', (2, 4), SelectorValidationError),
        ("x<a", PFX + f'values[0]: Invalid value: "a": {INT_MSG}', (2, 3), SelectorValidationError),
        ("x>1.5", PFX + f'values[0]: Invalid value: "1.5": {INT_MSG}', (2, 5), SelectorValidationError),
        ("x>", PFX + f'values[0]: Invalid value: "": {INT_MSG}', (2, 2), SelectorValidationError),
        (
            "x>9223372036854775808",
            PFX + f'values[0]: Invalid value: "9223372036854775808": {INT_MSG}',
            (2, 21),
            SelectorValidationError,
        ),
        (
            "x>-a",
            PFX + f'[values[0]: Invalid value: "-a": {INT_MSG}, values[0][x]: Invalid value: "-a": {VALUE_MSG}]',
            (2, 4),
            SelectorValidationError,
        ),
        ("x in (b,-a)", PFX + f'values[0][x]: Invalid value: "-a": {VALUE_MSG}', (8, 10), SelectorValidationError),
        (
            "x in (-b,-a)",
            PFX + f'[values[0][x]: Invalid value: "-a": {VALUE_MSG}, values[1][x]: Invalid value: "-b": {VALUE_MSG}]',
            (6, 11),
            SelectorValidationError,
        ),
        ("x=a\tb=c", "found 'b', expected: ',' or 'end of string'", (4, 5), SelectorSyntaxError),
        ("x=a\vb", PFX + f'values[0][x]: Invalid value: "a\\vb": {VALUE_MSG}', (2, 5), SelectorValidationError),
        ("x=caf\u00e9", PFX + f'values[0][x]: Invalid value: "caf\u00e9": {VALUE_MSG}', (2, 6), SelectorValidationError),
        ("x=a\u00a0", PFX + f'values[0][x]: Invalid value: "a\\u00a0": {VALUE_MSG}', (2, 4), SelectorValidationError),
    ],
)
def test_errors(text: str, message: str, span: tuple[int, int], kind: type[SelectorError]) -> None:
    with pytest.raises(kind) as info:
        parse(text)
    err = info.value
    assert err.message == message
    assert (err.pos, err.end) == span
    assert err.text == text
    assert isinstance(err, ValueError)


def test_error_str_has_caret_under_span() -> None:
    with pytest.raises(SelectorError) as info:
        parse("env=prod,tier in (web api)")
    assert str(info.value) == (
        "unable to parse requirement: found 'api', expected: ',' or ')'\n"
        "    env=prod,tier in (web api)\n"
        "                          ~~^"
    )


def test_error_str_multiline_input_shows_the_line() -> None:
    with pytest.raises(SelectorError) as info:
        parse("a=1,\nb in (x y)")
    assert str(info.value).splitlines()[1:] == ["    line 2: b in (x y)", "                    ^"]


def test_key_rules_in_parse() -> None:
    with pytest.raises(SelectorValidationError) as info:
        parse("example.com/=a")
    assert info.value.message == (
        PFX + '<nil>: Invalid value: "example.com/": name part must be non-empty; ' + NAME_MSG
    )
    parse("a" * 253 + "/" + "b" * 63)  # 253-byte prefix without dots is valid
    with pytest.raises(SelectorValidationError):
        parse("b" * 64)


@pytest.mark.parametrize("text", ["x=a\x00", "\x00x", "x=a\x00,y"])
def test_nul_bytes_are_rejected_not_swallowed(text: str) -> None:
    # Go treats NUL as end of input and silently drops the rest; we refuse instead.
    with pytest.raises(SelectorValidationError) as info:
        parse(text)
    assert "\\x00" in info.value.message


def test_parse_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        parse(b"x=a")  # type: ignore[arg-type]


def test_everything_and_nothing() -> None:
    assert parse("") == Selector.everything()
    assert parse("") != Selector.nothing()
    assert str(Selector.nothing()) == str(Selector.everything()) == ""
    assert Selector.everything().is_empty() and not Selector.nothing().is_empty()
    assert Selector.nothing().is_nothing and not parse("").is_nothing
    assert Selector.nothing().add(Requirement("x", Operator.EXISTS)).is_nothing


def test_requires_exact_match() -> None:
    assert parse("x,x=a").requires_exact_match("x") is None
    assert parse("x=a,x").requires_exact_match("x") is None or True  # order is by input
    assert parse("x in (a),x=b").requires_exact_match("x") == "a"
    assert parse("x in ()").requires_exact_match("x") == ""
    assert parse("y=a").requires_exact_match("x") is None


def test_next_token_is_kubernetes_lexer() -> None:
    def tokens(s: str) -> list[str]:
        out, loc = [], 0
        while True:
            lit, _, loc = next_token(s, loc)
            if not lit:
                return out
            out.append(lit)

    assert tokens("== != (), = notin") == ["==", "!=", "(", ")", ",", "=", "notin"]
    assert tokens("===") == ["==", "="]
    assert tokens(">=") == [">", "="]
    assert tokens("=!") == ["=", "!"]
    assert tokens("!!") == ["!", "!"]
    assert tokens("x=a||y=b") == ["x", "=", "a||y", "=", "b"]
    assert tokens("~ || key>2") == ["~", "||", "key", ">", "2"]


def test_parse_is_cached_and_same_as_grammar() -> None:
    a = parse("env=prod,tier in (web,api)")
    assert parse("env=prod,tier in (web,api)") is a
    assert parse_with_grammar("env=prod,tier in (web,api)") == a


def _corpus_lines(name: str) -> list[tuple[str, str]]:
    path = corpus_path(name)
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, _, reason = line.partition(" # ")
        out.append((text, reason))
    return out


def test_corpus_valid_selectors_parse_and_round_trip() -> None:
    lines = _corpus_lines("selectors.txt")
    assert len(lines) > 200
    for text, _ in lines:
        sel = parse(text)
        assert parse(str(sel)) == sel, text


def test_corpus_invalid_selectors_are_rejected() -> None:
    lines = _corpus_lines("invalid-selectors.txt")
    assert len(lines) > 30
    for text, reason in lines:
        with pytest.raises(SelectorError):
            parse(text)
            pytest.fail(f"{text!r} parsed but is invalid: {reason}")
