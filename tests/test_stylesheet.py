"""The one stylesheet keeps one order (issue #14, item 7): tokens, base, layout, components A–Z,
utilities, print. Each selector is defined once per media context, so a rule is found in one
place and the cascade does not depend on which copy comes last; !important is left to print
and reduced motion, where it must beat every screen rule.
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "css" / "site.css"
SECTIONS = ["tokens", "base", "layout", "components", "utilities", "print"]


@dataclass(frozen=True)
class Block:
    context: tuple[str, ...]  # preludes of the enclosing at-rules, outermost first
    prelude: str  # a selector list, or an at-rule such as "@media print"
    body: str  # declarations (for an at-rule, everything inside it)


def _squash(text):
    return " ".join(text.split())


def _blocks(css):
    """Every block in source order, found by walking the braces of the comment-free text."""
    text = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    blocks, open_blocks, start = [], [], 0
    for match in re.finditer(r"[{};]", text):
        char, at = match.group(), match.start()
        if char == ";":
            if not open_blocks:  # a statement at-rule such as @import
                start = at + 1
            continue
        if char == "{":
            open_blocks.append((_squash(text[start:at]), at + 1))
        else:
            prelude, body_start = open_blocks.pop()
            context = tuple(p for p, _ in open_blocks)
            blocks.append((body_start, Block(context, prelude, text[body_start:at])))
        start = at + 1
    assert not open_blocks, "unbalanced braces"
    return [block for _, block in sorted(blocks, key=lambda item: item[0])]


def _selectors(prelude):
    """The selectors of a list, split on commas outside brackets: `:is(a, b)` stays whole."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [_squash(part) for part in [*parts, current]]


def _is_print(prelude):
    return prelude.startswith("@media") and re.search(r"\bprint\b", prelude) is not None


def _is_reduced_motion(prelude):
    return prelude.startswith("@media") and "prefers-reduced-motion" in prelude


def _css():
    return STYLESHEET.read_text()


def _where(context, selector):
    return " › ".join([*context, selector])


def test_no_selector_is_defined_twice_in_the_same_media_context():
    counts = Counter(
        (block.context, selector)
        for block in _blocks(_css())
        if not block.prelude.startswith("@")
        for selector in _selectors(block.prelude)
    )
    twice = [_where(*key) for key, count in counts.items() if count > 1]
    assert not twice, "defined more than once: " + "; ".join(twice)


def test_important_is_only_used_in_print_and_reduced_motion():
    offenders = [
        _where(block.context, block.prelude)
        for block in _blocks(_css())
        if not block.prelude.startswith("@")
        and "!important" in block.body
        and not any(_is_print(c) or _is_reduced_motion(c) for c in block.context)
    ]
    assert not offenders, "!important outside print: " + "; ".join(offenders)


def test_print_rules_are_one_media_block_at_the_end():
    top_level = [block.prelude for block in _blocks(_css()) if not block.context]
    prints = [index for index, prelude in enumerate(top_level) if _is_print(prelude)]
    assert len(prints) == 1, f"{len(prints)} @media print blocks"
    after_print = top_level[prints[0] + 1 :]
    trailing = [prelude for prelude in after_print if not _is_reduced_motion(prelude)]
    assert not trailing, "after @media print: " + "; ".join(trailing)


def test_sections_come_in_the_documented_order():
    headings = re.findall(r"/\* =+ \d+\. (\w+)", _css())
    assert [heading.lower() for heading in headings] == SECTIONS


def test_the_checks_see_duplicates_and_important_outside_print():
    """The walker itself: a selector repeated inside one @media, and !important on screen."""
    css = """
        /* ==== 1. Tokens ==== */ :root { --a: 1; }
        .a, .b:is(.c, .d) { color: red !important; }
        @media (max-width: 40rem) { .a { color: blue; } }
        @media (max-width: 40rem) { .x, .a { color: green; } }
        @media print { .a { display: none !important; } }
    """
    blocks = _blocks(css)
    assert [b.prelude for b in blocks if not b.context] == [
        ":root",
        ".a, .b:is(.c, .d)",
        "@media (max-width: 40rem)",
        "@media (max-width: 40rem)",
        "@media print",
    ]
    assert _selectors(blocks[1].prelude) == [".a", ".b:is(.c, .d)"]
    nested = [(b.context, b.prelude) for b in blocks if b.context]
    assert nested == [
        (("@media (max-width: 40rem)",), ".a"),
        (("@media (max-width: 40rem)",), ".x, .a"),
        (("@media print",), ".a"),
    ]
