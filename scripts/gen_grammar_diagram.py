"""Draw the selector grammar (src/labelselector/grammar.py) as railroad diagrams.

Writes docs/grammar.html (every rule, pyparsing's own diagram output) and
docs/grammar.svg (the same diagrams stacked in one standalone SVG, embedded by
docs/grammar.md). ``--check`` regenerates both in memory and fails when the committed
files differ, so the pictures always show the grammar as it is today.

The diagram shows the language the grammar accepts. The grammar's error branches
(``_Expected``: always fail, each with Kubernetes' message for that point) are hidden;
docs/grammar.md lists them. Needs the ``diagram`` extra (railroad-diagrams, jinja2).
"""

from __future__ import annotations

import argparse
import colorsys
import io
import re
import sys
from pathlib import Path

import pyparsing as pp
import railroad
from pyparsing.diagram import railroad_to_html, to_railroad

from labelselector import grammar

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "docs" / "grammar.html"
SVG = ROOT / "docs" / "grammar.svg"

# Rules extracted as their own diagrams, found by the parse action the grammar gives them.
_NAMED_BY_ACTION = {
    grammar._requirement_action: "requirement",
    grammar._located_key: "key",
    grammar._located_value: "value",
}
_KEYWORDS = {"notin": "notin", "in": "in", "!": "!"}


def _action_name(action: object) -> str | None:
    """The rule name for a parse action (pyparsing wraps actions; look inside the wrapper)."""
    found = [action] + [c.cell_contents for c in getattr(action, "__closure__", None) or ()]
    for fn in found:
        if callable(fn) and fn in _NAMED_BY_ACTION:
            return _NAMED_BY_ACTION[fn]
    return None


def _children(el: pp.ParserElement) -> list[pp.ParserElement]:
    if isinstance(el, pp.ParseExpression):
        return el.exprs
    inner = getattr(el, "expr", None)
    return [inner] if isinstance(inner, pp.ParserElement) else []


def _display_token(el: pp.ParserElement) -> pp.ParserElement | None:
    """``in``/``notin``/``!`` are regexes (with lookaheads) in the grammar; draw them as words."""
    if isinstance(el, pp.Regex):
        for word, shown in _KEYWORDS.items():
            if el.pattern.startswith(re.escape(word) if word != "!" else "!(?!=)"):
                if word == "!" and el.pattern != "!(?!=)":
                    continue
                return pp.Literal(shown)
    return None


def prepare(root: pp.ParserElement) -> pp.ParserElement:
    """Name the rules, hide error branches, show keywords as words (mutates ``root``'s tree)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        if isinstance(el, pp.Regex) and el.pattern == grammar._IDENT:
            # Drawn with escapes instead of the raw tab/CR/LF the pattern holds (display only).
            el.pattern = "[^ \\t\\r\\n=!(),<>]+"
        if isinstance(el, grammar._Expected):
            el.show_in_diagram = False
            continue
        for action in el.parseAction:
            name = _action_name(action)
            if name is not None:
                el.set_name(name)
        if isinstance(el, pp.ParseExpression):
            for i, child in enumerate(el.exprs):
                shown = _display_token(child)
                if shown is not None:
                    el.exprs[i] = shown
        elif isinstance(getattr(el, "expr", None), pp.ParserElement):
            shown = _display_token(el.expr)  # type: ignore[attr-defined]
            if shown is not None:
                el.expr = shown  # type: ignore[attr-defined]
        stack.extend(reversed(_children(el)))
    _name_structure(root)
    return root


def _is_lpar(el: pp.ParserElement) -> bool:
    while isinstance(el, (pp.Suppress, pp.MatchFirst)):
        el = el.expr if isinstance(el, pp.Suppress) else el.exprs[0]
    return isinstance(el, pp.Literal) and el.match == "("


def _name_structure(root: pp.ParserElement) -> None:
    """Name the operator part (what follows a key) and the parenthesised value list."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        if isinstance(el, pp.And) and len(el.exprs) == 2 and el.exprs[0].customName == "key":
            el.exprs[1].set_name("operator")
        if isinstance(el, pp.And) and el.exprs and _is_lpar(el.exprs[0]):
            el.set_name("value list")
        stack.extend(reversed(_children(el)))


def render() -> tuple[str, str]:
    """(html, svg) for the grammar as it is now."""
    # Two alternatives side by side read like a sequence: draw every choice vertically.
    railroad.HorizontalChoice = lambda *items: railroad.Choice(0, *items)
    diagrams = to_railroad(prepare(grammar.SELECTOR), vertical=3)
    html = railroad_to_html(diagrams)
    # Element ids come from a process-wide counter; renumber them in order of appearance.
    ids: dict[str, str] = {}

    def renumber(m: re.Match[str]) -> str:
        return ids.setdefault(m.group(0), f"rule-{len(ids)}")

    html = re.sub(r"[a-z0-9-]+-\d{4}\b", renumber, html)
    html = "\n".join(line.rstrip() for line in html.splitlines()) + "\n"
    parts = []
    y = 0
    width = 0
    for d in diagrams:
        if d.diagram is None:
            continue
        out = io.StringIO()
        d.diagram.writeSvg(out.write)
        body = out.getvalue()
        w = float(re.search(r'width="([\d.]+)"', body).group(1))  # type: ignore[union-attr]
        h = float(re.search(r'height="([\d.]+)"', body).group(1))  # type: ignore[union-attr]
        parts.append(f'<text x="10" y="{y + 18}" class="title">{d.name}</text>')
        # A group, not a nested <svg>: renderers agree on how groups inherit the style.
        body = re.sub(r"<svg [^>]*>", "", body, count=1).replace("</svg>", "")
        # Presentation attributes as well as the style sheet, for renderers without CSS.
        body = body.replace("<path ", '<path fill="none" stroke="black" stroke-width="3" ')
        body = body.replace("<rect ", '<rect fill="#ccffcc" stroke="black" stroke-width="3" ')
        body = body.replace(
            "<text ", '<text font-family="monospace" font-weight="bold" font-size="14" text-anchor="middle" '
        )
        parts.append(f'<g class="railroad-diagram" transform="translate(0 {y + 24})">{body}</g>')
        y += h + 40
        width = max(width, w)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width:.0f}" height="{y:.0f}" viewBox="0 0 {width:.0f} {y:.0f}">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n'
        f"<style>{_hex_colors(railroad.DEFAULT_STYLE).replace('svg.railroad-diagram', '.railroad-diagram')} .title {{ font: bold 14px monospace; }}</style>\n"
        + "\n".join(parts)
        + "\n</svg>\n"
    )
    return html, svg


def _hex_colors(css: str) -> str:
    """``hsl(h,s%,l%)`` -> ``#rrggbb``: not every SVG renderer reads hsl()."""

    def to_hex(m: re.Match[str]) -> str:
        h, sat, light = (float(x) for x in m.groups())
        r, g, b = colorsys.hls_to_rgb(h / 360, light / 100, sat / 100)
        return "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))

    return re.sub(r"hsl\((\d+),(\d+)%,(\d+)%\)", to_hex, css)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the committed diagrams are stale")
    args = ap.parse_args(argv)
    html, svg = render()
    if args.check:
        stale = [p for p, text in ((HTML, html), (SVG, svg)) if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print(
                "stale: " + ", ".join(str(p.relative_to(ROOT)) for p in stale)
                + " (run scripts/gen_grammar_diagram.py)",
                file=sys.stderr,
            )
            return 1
        return 0
    HTML.write_text(html, encoding="utf-8")
    SVG.write_text(svg, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
