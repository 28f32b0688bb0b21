"""Narrative suggestions: which catalogue narratives a report carries, with a score and the passage that matched.

Each narrative's profile is its title, summary, example statements and aliases (in any language), plus the passages
analysts confirmed for it on reports of the same marking. A report's sentences are compared with every example by
TF-IDF cosine over words and word pairs (CJK and Hangul text over character pairs, so no segmenter is needed); a
narrative scores its best sentence, an alias found verbatim lifts it, and the confirmations and rejections of the
same marking weigh it. All in memory and offline."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from liaison_hub.fimi.text import normal_form, sentences

FLOOR = 0.25
"""Suggestions scoring below this are not kept."""
LIMIT = 5
ALIAS_SCORE = 0.6
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "which",
        "who",
        "would",
        "their",
        "they",
        "them",
        "than",
        "then",
        "there",
        "these",
        "those",
        "our",
        "we",
        "us",
        "you",
        "your",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "said",
        "says",
        "also",
        "about",
        "after",
        "over",
        "more",
        "most",
        "such",
    ]
)


def terms(text: str) -> Counter[str]:
    """Words and pairs of adjacent words of Latin-script text; pairs of adjacent characters of CJK and Hangul."""
    counts: Counter[str] = Counter()
    words: list[str] = []
    run: list[str] = []
    for token in normal_form(text).split(" "):
        if token and _CJK.match(token):
            run.extend(token)
            continue
        if len(run) > 1:
            counts.update("".join(run[i : i + 2]) for i in range(len(run) - 1))
        run = []
        if token and token not in STOP_WORDS:
            word = token[:-1] if len(token) > 3 and token.endswith("s") else token
            words.append(word)
    if len(run) > 1:
        counts.update("".join(run[i : i + 2]) for i in range(len(run) - 1))
    counts.update(words)
    counts.update(f"{a} {b}" for a, b in itertools.pairwise(words))
    return counts


@dataclass(frozen=True)
class Profile:
    """What a narrative is recognised by; ``confirmed`` and ``rejected`` count decisions of the same marking."""

    narrative_id: int
    examples: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    confirmed: int = 0
    rejected: int = 0


@dataclass(frozen=True, order=True)
class Suggestion:
    score: float
    narrative_id: int
    passage: str = field(compare=False)


class Matcher:
    """Scores texts against a catalogue of profiles (built once per import)."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = list(profiles)
        examples = [(p, terms(e)) for p, profile in enumerate(self.profiles) for e in profile.examples]
        df = Counter(t for _, counted in examples for t in counted)
        self.idf_default = math.log(len(examples) + 1) + 1
        self.idf = {t: math.log((len(examples) + 1) / (n + 1)) + 1 for t, n in df.items()}
        self.index: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
        self.norms: list[float] = []
        self.owner: list[int] = []
        for number, (profile_index, counted) in enumerate(examples):
            weights = {t: c * self.idf[t] for t, c in counted.items()}
            self.norms.append(math.sqrt(sum(w * w for w in weights.values())) or 1.0)
            self.owner.append(profile_index)
            for t, w in weights.items():
                self.index[t].append((number, profile_index, w))
        self.aliases = [
            (p, normal_form(alias)) for p, profile in enumerate(self.profiles) for alias in profile.aliases if alias
        ]

    def _sentence_scores(self, sentence: str) -> dict[int, float]:
        counted = terms(sentence)
        weights = {t: c * self.idf.get(t, self.idf_default) for t, c in counted.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        dots: dict[int, float] = defaultdict(float)
        for t, w in weights.items():
            for number, _, weight in self.index.get(t, ()):
                dots[number] += w * weight
        best: dict[int, float] = {}
        for number, dot in dots.items():
            profile = self.owner[number]
            best[profile] = max(best.get(profile, 0.0), dot / (norm * self.norms[number]))
        folded = normal_form(sentence) if self.aliases else ""
        for profile, alias in self.aliases:
            if alias and alias in folded:
                best[profile] = max(best.get(profile, 0.0), ALIAS_SCORE)
        return best

    def suggest(self, text: str, *, skip: Iterable[int] = (), limit: int = LIMIT) -> list[Suggestion]:
        """Ranked suggestions for a text: best first, at most ``limit``, none below ``FLOOR``."""
        skipped = set(skip)
        best: dict[int, tuple[float, str]] = {}
        for _, sentence in sentences(text):
            for number, score in self._sentence_scores(sentence).items():
                if score > best.get(number, (0.0, ""))[0]:
                    best[number] = (score, sentence)
        found = []
        for index, (score, passage) in best.items():
            chosen = self.profiles[index]
            balance = (chosen.confirmed - chosen.rejected) / (chosen.confirmed + chosen.rejected + 2)
            weighted = min(1.0, score * (1 + 0.5 * balance))
            if weighted >= FLOOR and chosen.narrative_id not in skipped:
                found.append(Suggestion(round(weighted, 4), chosen.narrative_id, passage[:1000]))
        return sorted(found, reverse=True)[:limit]
