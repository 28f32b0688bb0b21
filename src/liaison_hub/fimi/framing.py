"""Counting framing terms: each term is a set of variants in several languages, matched in the texts' normal form
(case, spacing, punctuation and quote styles ignored). Latin-script variants match whole words; Chinese, Japanese
and Korean variants match anywhere, so a term inside a longer compound (印太地区, インド太平洋地域, 인도태평양은)
is still counted, and no word segmenter can split it wrongly."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from liaison_hub.fimi.text import normal_form

_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def variant_pattern(variant: str) -> str | None:
    """The regular expression of one variant in normal form; None for a variant with no letters."""
    folded = normal_form(variant)
    if not folded:
        return None
    if _CJK.search(folded):
        return re.escape(folded)
    return rf"(?<!\S){re.escape(folded)}(?!\S)"


@dataclass(frozen=True)
class Term:
    term_set_id: int
    term_id: int
    label: str
    variants: tuple[str, ...]


class TermCounter:
    """Counts every term of the given sets in a text; overlapping variants of one term count once (the longest)."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = []
        for term in terms:
            patterns = sorted(
                {p for v in (term.label, *term.variants) if (p := variant_pattern(v))}, key=lambda p: -len(p)
            )
            if patterns:
                self.terms.append((term, re.compile("|".join(patterns))))

    def count(self, text: str, *, folded: str | None = None) -> list[tuple[Term, int]]:
        """(term, occurrences) of the terms found in a text (``folded``: its normal form, when already made)."""
        form = normal_form(text) if folded is None else folded
        found = []
        for term, pattern in self.terms:
            n = sum(1 for _ in pattern.finditer(form))
            if n:
                found.append((term, n))
        return found
