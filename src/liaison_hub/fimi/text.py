"""Text handling shared by import, clustering, suggestions and term counts: normal forms that ignore case, spacing,
punctuation, quote styles and boilerplate; language codes and detection; shingles and MinHash signatures."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
import pycountry
from datasketch import MinHash, MinHashLSH
from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from liaison_hub.errors import InvalidInput

NUM_PERM = 128
THRESHOLD = 0.6
"""Reports whose estimated Jaccard similarity of shingles reaches this are near-duplicates (copy-paste)."""
SCHEME = "affine32"
"""datasketch's 32-bit permutation scheme: signatures are uint32, as stored."""
DETECT_CHARS = 600
UNDETERMINED = "und"
"""ISO 639-2 for a language that cannot be told (a text of digits or symbols only)."""
QUOTES = str.maketrans({c: '"' for c in "“”„‟«»「」『』〝〞＂‹›"} | {c: "'" for c in "‘’‚‛`´＇"})
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
_BOILERPLATE = re.compile(
    r"(all rights reserved|copyright ©|©|subscribe to|sign up for our|follow us on|share this article|read more:|"
    r"click here|related articles?:|advertisement|版权所有|责任编辑|無断転載|저작권자|무단 ?전재|관련기사|記事の続き)",
    re.IGNORECASE,
)
# The languages a newsroom of the region meets; detection picks among these only (faster and surer).
DETECTABLE = (
    Language.ENGLISH,
    Language.JAPANESE,
    Language.KOREAN,
    Language.CHINESE,
    Language.RUSSIAN,
    Language.FRENCH,
    Language.GERMAN,
    Language.SPANISH,
    Language.INDONESIAN,
    Language.VIETNAMESE,
    Language.ARABIC,
)


def without_boilerplate(text: str) -> str:
    """The text without lines of site furniture (copyright, subscribe, share, related...), in several languages."""
    lines = [line for line in text.splitlines() if not (len(line) < 200 and _BOILERPLATE.search(line))]
    return "\n".join(lines)


def prefold(text: str) -> str:
    """Compatibility forms, one quote style, case folded: what ``fold`` tokenises."""
    return unicodedata.normalize("NFKC", text).translate(QUOTES).casefold()


def tokens_of(prefolded: str) -> str:
    """The tokens of a ``prefold``-ed text joined by single spaces."""
    return " ".join(_TOKEN.findall(prefolded))


def fold(text: str) -> str:
    """Case-, spacing-, punctuation- and quote-insensitive form of a text: its tokens joined by single spaces."""
    return tokens_of(prefold(text))


def normal_form(text: str) -> str:
    """``fold`` of a text without its boilerplate lines."""
    return fold(without_boilerplate(text))


def text_key(text: str, *, folded: str | None = None) -> str:
    """Equal for texts that differ only in case, spacing, punctuation, quotes or boilerplate."""
    form = normal_form(text) if folded is None else folded
    return hashlib.sha256(form.encode()).hexdigest()[:32]


def url_key(url: str | None) -> str | None:
    if not url:
        return None
    return hashlib.sha256(url.strip().encode()).hexdigest()[:32]


def shingles(text: str, size: int = 3, *, folded: str | None = None) -> set[bytes]:
    """Overlapping runs of ``size`` tokens (a word, or one CJK character: no segmentation needed)."""
    tokens = (normal_form(text) if folded is None else folded).split(" ")
    if len(tokens) < size:
        return {" ".join(tokens).encode()}
    return {" ".join(tokens[i : i + size]).encode() for i in range(len(tokens) - size + 1)}


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutations for ``NUM_PERM`` (made once: the same seed gives the same signatures)."""
    permutations: tuple[np.ndarray, np.ndarray] = MinHash(
        num_perm=NUM_PERM, hashfunc=_crc32, scheme=SCHEME
    ).permutations
    return permutations


def signature(text: str, *, folded: str | None = None) -> np.ndarray:
    """The MinHash signature of a text (datasketch, shingles hashed with CRC-32), as uint32 values."""
    minhash = MinHash(num_perm=NUM_PERM, hashfunc=_crc32, permutations=_permutations(), scheme=SCHEME)
    minhash.update_batch(list(shingles(text, folded=folded)))
    values: np.ndarray = minhash.hashvalues.astype(np.uint32)
    return values


def signature_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def signature_of(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def similarity(one: np.ndarray, other: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    return float(np.count_nonzero(one == other)) / len(one)


@cache
def _bands() -> tuple[int, int]:
    """Bands and rows per band that datasketch's LSH chooses for the threshold (false positives and negatives
    weighed equally)."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(values: np.ndarray) -> list[int]:
    """One key per LSH band: reports sharing any key are candidates (checked with ``similarity``)."""
    bands, rows = _bands()
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(values[band * rows : (band + 1) * rows].tobytes(), digest_size=7, person=bytes([band]))
        keys.append(int.from_bytes(digest.digest(), "big"))
    return keys


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*DETECTABLE).with_low_accuracy_mode().build()


def language_code(value: str) -> str:
    """An ISO 639-1 code from what a client gave (``ja``, ``JA``, ``zh-CN``, ``zh_Hant``); unknown ones refused."""
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    if len(primary) != 2 or pycountry.languages.get(alpha_2=primary) is None:
        raise InvalidInput(f"unknown language code {value[:20]!r}: give an ISO 639-1 code such as en, ja, ko or zh")
    return primary


def detect_language(text: str) -> str:
    """The text's language as an ISO 639-1 code: scripts decide for Korean and Japanese, lingua for the rest."""
    sample = text[:DETECT_CHARS]
    if re.search("[\uac00-\ud7af]", sample):
        return "ko"
    if re.search("[\u3040-\u30ff]", sample):
        return "ja"
    found = _detector().detect_language_of(sample)
    if found is None:
        return UNDETERMINED
    return found.iso_code_639_1.name.lower()


def monday(moment: datetime) -> date:
    """The Monday of the ISO week of a UTC time."""
    day = moment.date()
    return day - timedelta(days=day.weekday())


def folded_sentences(text: str) -> list[tuple[str, str]]:
    """Each sentence with its ``fold``: the text is normalised once, and split the same way as ``sentences``."""
    original = sentences(text)
    normalised = sentences(prefold(text))
    if len(normalised) != len(original):
        return [(piece, fold(piece)) for _, piece in original]
    return [(piece, tokens_of(norm)) for (_, piece), (_, norm) in zip(original, normalised, strict=True)]


def sentences(text: str) -> list[tuple[int, str]]:
    """Sentences with their offsets: split after . ! ? and their CJK forms, and at line breaks."""
    found = []
    for match in re.finditer(r"[^.!?。！？\n]+[.!?。！？]*", text):
        piece = match.group().strip()
        if len(piece) >= 4:
            found.append((match.start(), piece))
    return found


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def joined(parts: Iterable[str]) -> str:
    return "\n".join(p for p in parts if p)
