"""Narrative suggestions: which catalogue narratives a report carries, with a score and the passage that matched.

Each narrative's profile is its title, summary, example statements and aliases (in any language), plus the passages
analysts confirmed for it on reports of the same marking. A report's sentences are compared with every example by
cosine over words and word pairs (CJK and Hangul text over character pairs, so no segmenter is needed); a
narrative scores its best sentence, an alias found verbatim lifts it, and the confirmations and rejections of the
same marking weigh it. All in memory and offline."""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from liaison_hub.fimi.text import fold, folded_sentences, normal_form

FLOOR = 0.3
"""Suggestions scoring below this are not kept."""
ALIAS_SCORE = 0.6
MIN_SHARED = 2
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


def terms(text: str, *, folded: str | None = None) -> Counter[str]:
    """Words and pairs of adjacent words of Latin-script text; pairs of adjacent characters of CJK and Hangul."""
    counts: Counter[str] = Counter()
    words: list[str] = []
    run: list[str] = []
    for token in (normal_form(text) if folded is None else folded).split(" "):
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
    """Scores texts against a catalogue of profiles (built once per import).

    Each narrative is scored on its own: term weights come from the text and the narrative's examples alone (no
    statistics across the catalogue), so a narrative a reader may not see never moves the score, nor the rank, of
    one it may see; and every suggestion above the floor is kept, the reader's ranking being made at read time."""

    def __init__(self, profiles: Sequence[Profile]) -> None:
        self.profiles = list(profiles)
        self.index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.norms: list[float] = []
        self.owner: list[int] = []
        for profile_index, profile in enumerate(self.profiles):
            for example in profile.examples:
                weights = _weights(terms(example))
                number = len(self.norms)
                self.norms.append(math.sqrt(sum(w * w for w in weights.values())) or 1.0)
                self.owner.append(profile_index)
                for t, w in weights.items():
                    self.index[t].append((number, w))
        self.aliases = [
            (p, normal_form(alias)) for p, profile in enumerate(self.profiles) for alias in profile.aliases if alias
        ]
        self.vocabulary = {piece for t in self.index for piece in (t.split(" ") if " " in t else [t])}
        self.words = self.vocabulary | {w + "s" for w in self.vocabulary}

    def _could_match(self, folded: str) -> bool:
        """At least two of a sentence's words (or CJK character pairs) occur in some example: with fewer, no
        example reaches the floor, so the sentence is not scored (most of a long report's sentences)."""
        if not _CJK.search(folded):
            return len(self.words.intersection(folded.split(" "))) >= MIN_SHARED
        found = 0
        for piece in _pieces(folded):
            if piece in self.vocabulary:
                found += 1
                if found >= MIN_SHARED:
                    return True
        return False

    def _sentence_scores(self, sentence: str, folded: str) -> dict[int, float]:
        weights = _weights(terms(sentence, folded=folded))
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        dots: dict[int, float] = defaultdict(float)
        for t, w in weights.items():
            for number, weight in self.index.get(t, ()):
                dots[number] += w * weight
        best: dict[int, float] = {}
        for number, dot in dots.items():
            profile = self.owner[number]
            best[profile] = max(best.get(profile, 0.0), dot / (norm * self.norms[number]))
        return best

    def _alias_scores(self, folded: str, found: list[tuple[int, str]]) -> dict[int, float]:
        return {profile: ALIAS_SCORE for profile, alias in found if alias in folded}

    def suggest(self, text: str, *, skip: Iterable[int] = (), limit: int | None = None) -> list[Suggestion]:
        """Suggestions for a text, best first, none below ``FLOOR`` (all of them unless ``limit``)."""
        skipped = set(skip)
        whole = fold(text)
        present = [(p, alias) for p, alias in self.aliases if alias and alias in whole]
        best: dict[int, tuple[float, str]] = {}
        for sentence, folded in folded_sentences(text):
            scores = self._sentence_scores(sentence, folded) if self._could_match(folded) else {}
            for number, score in self._alias_scores(folded, present).items():
                scores[number] = max(scores.get(number, 0.0), score)
            for number, score in scores.items():
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


def _pieces(folded: str) -> Iterator[str]:
    """Words of Latin script and pairs of adjacent CJK or Hangul characters: the units ``terms`` are made of."""
    run: list[str] = []
    for token in folded.split(" "):
        if token and _CJK.match(token):
            run.extend(token)
            continue
        yield from ("".join(run[i : i + 2]) for i in range(len(run) - 1))
        run = []
        if token and token not in STOP_WORDS:
            yield token[:-1] if len(token) > 3 and token.endswith("s") else token
    yield from ("".join(run[i : i + 2]) for i in range(len(run) - 1))


def _weights(counted: Counter[str]) -> dict[str, float]:
    """Sublinear term frequency; word pairs weigh double, being more telling than single words."""
    return {t: (1 + math.log(c)) * (2.0 if " " in t else 1.0) for t, c in counted.items()}
