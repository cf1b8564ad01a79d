#!/usr/bin/env python3
# ruff: noqa: D101, D102, D103  (a test tool: the module docstring documents it)
"""Differential test of labelselector against the real Kubernetes Go code.

Generates inputs, runs them through the Go harness (``main.go`` built against
the k8s.io/apimachinery version pinned in go.mod, see README.md) and through ``labelselector``, and compares:

* ``parse``:    ``labels.Parse``            vs ``labelselector.parse``
* ``ls``:       ``LabelSelectorAsSelector`` vs ``labelselector.from_label_selector``
* ``validate``: ``IsQualifiedName`` / ``IsValidLabelValue``
  vs ``validate_label_key`` / ``validate_label_value``
* ``match``:    ``Selector.Matches``        vs ``Selector.matches``

Usage::

    python tools/k8sdiff/diff.py --go-bin tools/k8sdiff/k8sdiff \
        --mode all -n 200000 --seed 1 --json /tmp/k8sdiff.json

Exit status is 1 when any unexplained discrepancy is found.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import labelselector
from labelselector.errors import SelectorError
from labelselector.selector import Operator

CORPUS = Path("/work/shared/corpus")
BATCH = 20_000

# ---------------------------------------------------------------------------
# building blocks for generated inputs

_ALNUM = "abcxyzABZ019"
_INNER = _ALNUM + "-_."
_WEIRD = "|&;\"'\\/~*+:@#$%^`{}[]? "
_SPACES = [" ", "\t", "\r", "\n", "\v", "\f", "\xa0", "\u2028", "\u3000", "\x85"]
_NON_ASCII = [
    "é",
    "ß",
    "日本",
    "ǅ",
    "\u0301",
    "😀",
    "\ufeff",
    "\u200b",
    "\ue000",
    "\u2029",
    "\U0001f600",
    "Ａ",
    "٣",
    "²",
    "\x7f",
    "\x01",
    "\x1b",
]
_INTS = [
    "0",
    "1",
    "5",
    "007",
    "-0",
    "+5",
    "-5",
    "10",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "1.5",
    "0x10",
    "1e3",
    " 5",
    "5 ",
    "",
    "abc",
    "٣",
    "²",
    "1_000",
    "+",
    "-",
    "00",
    "+0",
]


def _run(rng: random.Random, alphabet: str, lo: int, hi: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def gen_name(rng: random.Random) -> str:
    """A label-key name part or value: mostly valid, sometimes at or past a limit."""
    r = rng.random()
    if r < 0.45:
        n = rng.choice([1, 1, 2, 3, 5, 8])
        if n == 1:
            return rng.choice(_ALNUM)
        return rng.choice(_ALNUM) + _run(rng, _INNER, n - 2, n - 2) + rng.choice(_ALNUM)
    if r < 0.6:
        n = rng.choice([62, 63, 64, 65])
        return rng.choice(_ALNUM) + _run(rng, _INNER, n - 2, n - 2) + rng.choice(_ALNUM)
    if r < 0.7:  # multibyte characters near the byte limit
        n = rng.choice([60, 61, 62, 63])
        return "a" * n + rng.choice(_NON_ASCII)
    if r < 0.8:
        return rng.choice(
            [
                "in",
                "notin",
                "IN",
                "In",
                "NotIn",
                "exists",
                "gt",
                "lt",
                "!",
                "-a",
                "a-",
                "_a",
                "a_",
                ".a",
                "a.",
                "a..b",
                "a--b",
            ]
        )
    if r < 0.9:
        return _run(rng, _INNER + _WEIRD[:8], 1, 6)
    return (
        _run(rng, _ALNUM, 0, 2)
        + rng.choice(_NON_ASCII + _SPACES + list(_WEIRD))
        + _run(rng, _ALNUM, 0, 2)
    )


def gen_prefix(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return rng.choice(
            ["example.com", "k8s.io", "app.kubernetes.io", "a", "a.b", "x-y.z", "1.2.3"]
        )
    if r < 0.65:  # 253-byte boundary
        n = rng.choice([252, 253, 254])
        return (
            "a" + _run(rng, "abc019-.", n - 2, n - 2).replace("..", "a.").replace(".-", "a-") + "z"
        )
    if r < 0.8:
        return rng.choice(
            ["", "-a", "a-", "A.com", "a_b", "a..b", ".a", "a.", "exa mple", "é.com", "a/b", "a.-b"]
        )
    return "a" * rng.choice([63, 64, 200, 253, 254])


def gen_key(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        return gen_name(rng)
    if r < 0.9:
        return gen_prefix(rng) + "/" + gen_name(rng)
    return "/".join(gen_name(rng) for _ in range(rng.randint(0, 4)))


def gen_value(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return ""
    if r < 0.35:
        return rng.choice(_INTS)
    return gen_name(rng)


_OPS = ["=", "==", "!=", " in ", " notin ", ">", "<", "", "!"]


def gen_requirement(rng: random.Random) -> str:
    key = gen_key(rng) if rng.random() < 0.3 else gen_name(rng)
    op = rng.choice(_OPS)
    ws = rng.choice(["", "", " ", "\t"])
    if op == "":
        return key
    if op == "!":
        return "!" + ws + key
    if op in (" in ", " notin "):
        n = rng.randint(0, 4)
        items = [gen_value(rng) if rng.random() < 0.8 else "" for _ in range(n)]
        inner = (rng.choice([",", ", ", " ,", ",,"])).join(items)
        return f"{key}{op}{ws}({inner})"
    if op in (">", "<"):
        return key + op + ws + rng.choice(_INTS)
    return key + ws + op + ws + gen_value(rng)


def gen_structured(rng: random.Random) -> str:
    n = rng.choice([0, 1, 1, 2, 2, 3, 4, 6, 13, 14])
    sep = rng.choice([",", ",", ", ", " ,", ",\n"])
    return sep.join(gen_requirement(rng) for _ in range(n))


_TOKENS = [
    "=",
    "==",
    "!=",
    "!",
    "(",
    ")",
    ",",
    ">",
    "<",
    "in",
    "notin",
    ">=",
    "<=",
    "=!",
    "!!",
    "()",
    "(,)",
    ",,",
]


def gen_soup(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, 9)):
        r = rng.random()
        if r < 0.4:
            parts.append(rng.choice(_TOKENS))
        elif r < 0.75:
            parts.append(
                rng.choice(["x", "y", "a", "b", "1", "01", "-1", "in", "notin", "x/y", "a.b"])
            )
        elif r < 0.85:
            parts.append(gen_value(rng))
        elif r < 0.95:
            parts.append(rng.choice(_SPACES))
        else:
            parts.append(rng.choice(_NON_ASCII + list(_WEIRD)))
        if rng.random() < 0.5:
            parts.append(rng.choice(["", " ", " ", "\t", "\n", "\r", "\v"]))
    return "".join(parts)


def mutate(rng: random.Random, s: str) -> str:
    s_list = list(s)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        pos = rng.randint(0, len(s_list))
        if r < 0.35 and s_list:
            del s_list[min(pos, len(s_list) - 1)]
        elif r < 0.7:
            s_list.insert(
                pos, rng.choice(list("=!(),<> \t\n\v") + ["in", "notin", "a", "1", "é", "\x00"])
            )
        elif s_list:
            i = min(pos, len(s_list) - 1)
            s_list.insert(i, s_list[i])
    return "".join(s_list)


def corpus_selectors() -> list[str]:
    out: list[str] = []
    p = CORPUS / "selectors.txt"
    if p.exists():
        out += p.read_text(encoding="utf-8").split("\n")
    p = CORPUS / "invalid-selectors.txt"
    if p.exists():
        for line in p.read_text(encoding="utf-8").split("\n"):
            out.append(line.split(" # ", 1)[0])
    out += [
        "",
        "\rx",
        "x notin\n (abc)",
        "x in (a,,)",
        "x in (,,)",
        "x in (a,,,)",
        "x in (a,,b)",
        "\x00x",
        "x=a\x00,y",
    ]
    return out


def gen_parse_inputs(rng: random.Random, n: int) -> Iterator[str]:
    base = corpus_selectors()
    yield from base
    for _ in range(n - len(base)):
        r = rng.random()
        if r < 0.35:
            yield gen_structured(rng)
        elif r < 0.6:
            yield gen_soup(rng)
        elif r < 0.85:
            yield mutate(rng, gen_structured(rng) if rng.random() < 0.7 else rng.choice(base))
        else:
            yield gen_requirement(rng)


def gen_validate_inputs(rng: random.Random, n: int) -> Iterator[str]:
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            yield gen_key(rng)
        elif r < 0.5:
            yield gen_value(rng)
        elif r < 0.6:
            yield gen_key(rng) + rng.choice(["\n", " ", "\t", "/", "//", "\x00"])
        elif r < 0.8:
            yield mutate(rng, gen_key(rng)).replace("\x00", "")
        else:
            yield _run(rng, _INNER + "/" + _WEIRD[:6] + "é", 0, 12)


_LS_OPS = ["In", "NotIn", "Exists", "DoesNotExist"] * 5 + [
    "in",
    "exists",
    "Gt",
    "Lt",
    "Equals",
    "",
    "IN",
    "notin",
    "DoesNotExists",
    " In",
    "\u0130n",
    "In\x00",
]


def gen_label_selector(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.03:
        return None
    if r < 0.06:
        return rng.choice(
            [
                {},
                {"matchLabels": {}},
                {"matchExpressions": []},
                {"matchLabels": None},
                {"matchLabels": {}, "matchExpressions": None},
            ]
        )
    obj: dict[str, Any] = {}
    if rng.random() < 0.6:
        obj["matchLabels"] = {
            gen_key(rng) if rng.random() < 0.3 else gen_name(rng): gen_value(rng)
            for _ in range(rng.randint(0, 3))
        }
    if rng.random() < 0.7:
        exprs = []
        for _ in range(rng.randint(0, 4)):
            e: dict[str, Any] = {
                "key": gen_key(rng) if rng.random() < 0.3 else gen_name(rng),
                "operator": rng.choice(_LS_OPS),
            }
            rv = rng.random()
            if rv < 0.15:
                e["values"] = []
            elif rv < 0.25:
                e["values"] = None
            elif rv < 0.3:
                pass
            else:
                e["values"] = [gen_value(rng) for _ in range(rng.randint(1, 4))]
                if rng.random() < 0.1:
                    e["values"].append(
                        rng.choice(
                            ["<&>", "a\u2028", "\u2029", "\x08\x0c", "é", "\x7f", "\ufeff", "\x00"]
                        )
                    )
            exprs.append(e)
        obj["matchExpressions"] = exprs
    return obj


def gen_ls_inputs(rng: random.Random, n: int) -> Iterator[Any]:
    for _ in range(n):
        yield gen_label_selector(rng)


_MATCH_KEYS = ["x", "y", "a/b", "in"]


def gen_labels(rng: random.Random) -> dict[str, str]:
    return {
        k: rng.choice(_INTS + ["a", "b", "", "x", "in"]) for k in _MATCH_KEYS if rng.random() < 0.5
    }


def gen_match_selector(rng: random.Random) -> str:
    reqs = []
    for _ in range(rng.randint(0, 3)):
        k = rng.choice(_MATCH_KEYS)
        op = rng.choice(["=", "==", "!=", " in ", " notin ", ">", "<", "", "!"])
        if op == "":
            reqs.append(k)
        elif op == "!":
            reqs.append("!" + k)
        elif op in (" in ", " notin "):
            vals = [rng.choice(["a", "b", "", "5", "in"]) for _ in range(rng.randint(0, 3))]
            reqs.append(f"{k}{op}({','.join(vals)})")
        elif op in (">", "<"):
            reqs.append(
                k + op + rng.choice(["0", "5", "007", "9223372036854775807", "-1", "10", "00"])
            )
        else:
            reqs.append(k + op + rng.choice(["a", "b", "", "5", "+5", "in"]))
    return ",".join(reqs)


def gen_match_inputs(rng: random.Random, n: int) -> Iterator[Any]:
    for _ in range(n):
        if rng.random() < 0.85:
            yield {"sel": gen_match_selector(rng), "labels": gen_labels(rng)}
        else:
            ls_obj = gen_label_selector(rng)
            if isinstance(ls_obj, dict):
                for e in ls_obj.get("matchExpressions") or []:
                    e["key"] = rng.choice(_MATCH_KEYS)
                if ls_obj.get("matchLabels"):
                    ls_obj["matchLabels"] = {
                        rng.choice(_MATCH_KEYS): rng.choice(["a", "b", ""])
                        for _ in ls_obj["matchLabels"]
                    }
            yield {"ls": ls_obj, "labels": gen_labels(rng)}


# ---------------------------------------------------------------------------
# our side


def go_op(r: Any) -> str:
    if r.spelling:
        return str(r.spelling)
    return {
        Operator.IN: "in",
        Operator.NOT_IN: "notin",
        Operator.EXISTS: "exists",
        Operator.DOES_NOT_EXIST: "!",
        Operator.GT: "gt",
        Operator.LT: "lt",
    }[r.operator]


def describe(make: Callable[[], Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ok": False,
        "string": "",
        "reqs": [],
        "err": "",
        "nothing": False,
        "empty": False,
    }
    try:
        sel = make()
    except SelectorError as e:
        out["err"] = e.message
        return out
    except Exception as e:  # noqa: BLE001 - a crash is a finding
        out["err"] = f"<python {type(e).__name__}: {e}>"
        out["crash"] = True
        return out
    out["ok"] = True
    out["string"] = str(sel)
    out["nothing"] = sel.is_nothing
    out["empty"] = sel.is_empty()
    out["reqs"] = [[r.key, go_op(r), list(r.values)] for r in sel]
    return out


def ours_parse(s: str) -> dict[str, Any]:
    return describe(lambda: labelselector.parse(s))


def ours_ls(obj: Any) -> dict[str, Any]:
    return describe(lambda: labelselector.from_label_selector(obj))


def ours_validate(s: str) -> dict[str, Any]:
    return {
        "key": labelselector.validate_label_key(s),
        "value": labelselector.validate_label_value(s),
    }


def ours_match(req: dict[str, Any]) -> dict[str, Any]:
    try:
        if "sel" in req:
            sel = labelselector.parse(req["sel"])
        else:
            sel = labelselector.from_label_selector(req["ls"])
    except SelectorError as e:
        return {"ok": False, "err": e.message}
    except Exception as e:  # noqa: BLE001
        return {"ok": False, "err": f"<python {type(e).__name__}: {e}>", "crash": True}
    try:
        return {"ok": True, "err": "", "match": sel.matches(req["labels"])}
    except Exception as e:  # noqa: BLE001
        return {
            "ok": True,
            "err": "",
            "match": None,
            "crash": True,
            "crash_msg": f"{type(e).__name__}: {e}",
        }


# ---------------------------------------------------------------------------
# comparison

_QUOTED = re.compile(r"\"(?:\\.|[^\"\\])*\"|'[^']*'|\[[^\]]*\]")


def shape(msg: str) -> str:
    """An error message with the quoted input parts blanked: groups discrepancies."""
    return _QUOTED.sub("_", msg)[:160]


def _has_dup_keys(reqs: list[Any]) -> bool:
    keys = [r[0] for r in reqs]
    return len(keys) != len(set(keys))


def go122(msg: str) -> str:
    """Go >= 1.22 encoding/json writes \\b and \\f where Go 1.19 writes \\u0008 and \\u000c."""
    return msg.replace("\\u0008", "\\b").replace("\\u000c", "\\f")


_UESC = re.compile(r"(?<!\\)\\(?:u([0-9a-f]{4})|U([0-9a-f]{8}))")


def unescape_non_ascii(msg: str) -> str:
    return _UESC.sub(
        lambda m: (
            chr(int(m.group(1) or m.group(2), 16))
            if int(m.group(1) or m.group(2), 16) >= 0x80
            else m.group(0)
        ),
        msg,
    )


def compare_errors(go: dict[str, Any], py: dict[str, Any]) -> tuple[str | None, bool]:
    if go["err"] == py["err"]:
        return None, False
    ml_errs = go.get("ml_errs") or []
    if go["err"] in ml_errs and py["err"] in ml_errs:
        return "matchLabels map order (Go iterates a map; either bad entry may be reported)", True
    if go122(go["err"]) == py["err"] or (
        go122(go["err"]) in map(go122, ml_errs) and py["err"] in map(go122, ml_errs)
    ):
        return (
            "Go 1.19 json escapes \\b \\f as \\u0008 \\u000c (Go >= 1.22, used by Kubernetes 1.35, writes \\b \\f)",
            True,
        )
    if unescape_non_ascii(go122(go["err"])) == unescape_non_ascii(py["err"]):
        if "\u2028" in py["err"] or "\u2029" in py["err"]:
            # (a key inside a field path such as values[0][KEY] is raw on both sides)
            return (
                "JSON-rendered value list: Go escapes U+2028/U+2029 as \\u2028/\\u2029, we write them raw",
                False,
            )
        return (
            "%q printability of a non-ASCII rune (Go 1.19 has Unicode 13.0.0, "
            f"this Python has Unicode {unicodedata.unidata_version})"
        ), True
    return f"error text [{shape(go['err'])}]", False


def compare_selector(
    inp: Any, go: dict[str, Any], py: dict[str, Any], mode: str
) -> tuple[str | None, bool]:
    """(class, known) for a discrepancy, or (None, False) when both agree."""
    if mode == "parse" and "\x00" in inp:
        if go == py or (
            go["ok"] == py["ok"] and go["err"] == py["err"] and go["string"] == py["string"]
        ):
            return None, False
        return "NUL byte (Go: end of input; we reject)", True
    if py.get("crash"):
        return f"python crash: {py['err'][:80]}", False
    if go["ok"] != py["ok"]:
        return (
            f"acceptance: Go {'accepts' if go['ok'] else 'rejects'}, we {'accept' if py['ok'] else 'reject'}"
            f" [{shape(go['err'] or py['err'])}]"
        ), False
    if not go["ok"]:
        return compare_errors(go, py)
    if mode == "ls" and (go["nothing"] != py["nothing"] or go["empty"] != py["empty"]):
        return "Nothing/Everything flags", False
    if go["reqs"] != py["reqs"]:
        if len(go["reqs"]) > 12 and _has_dup_keys(go["reqs"]):
            same = sorted(map(json.dumps, go["reqs"])) == sorted(map(json.dumps, py["reqs"]))
            same_keys = [r[0] for r in go["reqs"]] == [r[0] for r in py["reqs"]]
            if same and same_keys:
                return "order of same-key requirements (>12 reqs: Go's pdqsort is unstable)", True
        if [r[:2] for r in go["reqs"]] == [r[:2] for r in py["reqs"]] and all(
            sorted(a[2]) == sorted(b[2]) for a, b in zip(go["reqs"], py["reqs"], strict=True)
        ):
            return "requirement value order", False
        return "requirements", False
    if go["string"] != py["string"]:
        return "String()", False
    return None, False


def compare_validate(inp: str, go: dict[str, Any], py: dict[str, Any]) -> tuple[str | None, bool]:
    cls = []
    if go["key"] != py["key"]:
        cls.append(f"key messages [{' | '.join(shape(m)[:60] for m in go['key'])}]")
    if go["value"] != py["value"]:
        cls.append(f"value messages [{' | '.join(shape(m)[:60] for m in go['value'])}]")
    return ("; ".join(cls) or None), False


def compare_match(inp: Any, go: dict[str, Any], py: dict[str, Any]) -> tuple[str | None, bool]:
    if "\x00" in (inp.get("sel") or "") and go.get("ok") != py.get("ok"):
        return "NUL byte (Go: end of input; we reject)", True
    if py.get("crash"):
        return "python crash", False
    if go["ok"] != py["ok"]:
        return "acceptance", False
    if not go["ok"]:
        return compare_errors(go, py)
    if go.get("match") != py.get("match"):
        return "match result", False
    return None, False


# ---------------------------------------------------------------------------
# driver


def run_go(go_bin: str, mode: str, inputs: list[Any]) -> list[dict[str, Any]]:
    wire = [{"sel": x} for x in inputs] if mode == "ls" else inputs
    data = "".join(json.dumps(x, ensure_ascii=True) + "\n" for x in wire).encode()
    proc = subprocess.run(
        [go_bin, "parse" if mode == "unicode" else mode],
        input=data,
        capture_output=True,
        check=True,
    )
    lines = proc.stdout.decode("utf-8").split("\n")[:-1]
    if len(lines) != len(inputs):
        raise RuntimeError(
            f"Go answered {len(lines)} lines for {len(inputs)} inputs: {proc.stderr.decode()[:500]}"
        )
    return [json.loads(line) for line in lines]


class Findings:
    def __init__(self) -> None:
        self.count: collections.Counter[str] = collections.Counter()
        self.known: dict[str, bool] = {}
        self.examples: dict[str, list[tuple[Any, Any, Any]]] = collections.defaultdict(list)

    def add(self, cls: str, known: bool, inp: Any, go: Any, py: Any) -> None:
        self.count[cls] += 1
        self.known[cls] = known
        ex = self.examples[cls]
        ex.append((inp, go, py))
        ex.sort(key=lambda t: len(json.dumps(t[0])))
        del ex[5:]


def gen_unicode_inputs(rng: random.Random, n: int) -> Iterator[str]:
    """Every Unicode scalar value (but NUL) as the second character of a key: checks Go's %q."""
    del rng, n
    for cp in range(1, 0x110000):
        if not 0xD800 <= cp <= 0xDFFF:
            yield "a" + chr(cp)


MODES: dict[
    str,
    tuple[
        Callable[[random.Random, int], Iterable[Any]],
        Callable[[Any], Any],
        Callable[..., tuple[str | None, bool]],
    ],
] = {
    "parse": (gen_parse_inputs, ours_parse, lambda i, g, p: compare_selector(i, g, p, "parse")),
    "ls": (gen_ls_inputs, ours_ls, lambda i, g, p: compare_selector(i, g, p, "ls")),
    "validate": (gen_validate_inputs, ours_validate, compare_validate),
    "unicode": (gen_unicode_inputs, ours_parse, lambda i, g, p: compare_selector(i, g, p, "parse")),
    "match": (gen_match_inputs, ours_match, compare_match),
}


def minimize(go_bin: str, mode: str, inp: str, cls: str) -> str:
    """Greedy one-character deletion while the same discrepancy class persists."""
    ours, cmp = MODES[mode][1], MODES[mode][2]
    cur = inp
    while True:
        cands = list(dict.fromkeys(cur[:i] + cur[i + 1 :] for i in range(len(cur))))
        if not cands:
            return cur
        gos = run_go(go_bin, mode, cands)
        for c, g in zip(cands, gos, strict=True):
            if cmp(c, g, ours(c))[0] == cls:
                cur = c
                break
        else:
            return cur


def run_mode(go_bin: str, mode: str, n: int, seed: int) -> tuple[int, Findings, float]:
    gen, ours, cmp = MODES[mode]
    rng = random.Random(f"{seed}-{mode}")
    findings = Findings()
    total = 0
    t0 = time.time()
    batch: list[Any] = []

    def flush() -> None:
        nonlocal total
        gos = run_go(go_bin, mode, batch)
        for inp, go in zip(batch, gos, strict=True):
            py = ours(inp)
            cls, known = cmp(inp, go, py)
            if cls is not None:
                findings.add(cls, known, inp, go, py)
        total += len(batch)
        batch.clear()

    for inp in gen(rng, n):
        batch.append(inp)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return total, findings, time.time() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--go-bin",
        default=str(Path(__file__).resolve().parent / "k8sdiff"),
        help="the built Go harness (default: tools/k8sdiff/k8sdiff, where README.md builds it)",
    )
    ap.add_argument("--mode", choices=[*MODES, "all"], default="all")
    ap.add_argument("-n", type=int, default=200_000, help="generated cases per mode")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="write all findings (with examples) to this file")
    ap.add_argument("--no-minimize", action="store_true")
    args = ap.parse_args(argv)

    modes = ["parse", "ls", "validate", "match"] if args.mode == "all" else [args.mode]
    report: dict[str, Any] = {}
    unexplained = 0
    for mode in modes:
        total, f, secs = run_mode(args.go_bin, mode, args.n, args.seed)
        print(f"== {mode}: {total} cases in {secs:.0f}s, {sum(f.count.values())} discrepancies")
        classes = []
        for cls, cnt in f.count.most_common():
            ex_inp, ex_go, ex_py = f.examples[cls][0]
            minimal = ex_inp
            if (
                not args.no_minimize
                and mode in ("parse", "validate", "unicode")
                and not f.known[cls]
            ):
                minimal = minimize(args.go_bin, mode, ex_inp, cls)
                ex_go = run_go(args.go_bin, mode, [minimal])[0]
                ex_py = MODES[mode][1](minimal)
            tag = "known" if f.known[cls] else "NEW"
            if not f.known[cls]:
                unexplained += cnt
            print(f"  [{tag}] {cnt:7d}  {cls}")
            print(f"           input: {json.dumps(minimal)}")
            print(f"           go:    {json.dumps(ex_go)[:400]}")
            print(f"           ours:  {json.dumps(ex_py)[:400]}")
            classes.append(
                {
                    "class": cls,
                    "count": cnt,
                    "known": f.known[cls],
                    "minimal": minimal,
                    "go": ex_go,
                    "ours": ex_py,
                    "examples": [e[0] for e in f.examples[cls]],
                }
            )
        report[mode] = {"cases": total, "seconds": round(secs, 1), "classes": classes}
    if args.json:
        Path(args.json).write_text(
            json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
