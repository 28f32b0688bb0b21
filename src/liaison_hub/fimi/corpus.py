"""A synthetic media corpus for the demo and the labelled evaluation set: reports in English, Chinese, Japanese and
Korean built from sentences that carry a catalogue narrative (paraphrases, never the catalogue's own statements) and
neutral sentences, by fictional outlets; a share of them are copies of earlier reports pushed by other outlets, with
the changes copy-paste amplification makes (spacing, quote styles, casing, boilerplate, an added lead, a dropped
sentence). Every report knows its narratives and its copy cluster: the labels."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = {"en": 0.4, "zh": 0.2, "ja": 0.2, "ko": 0.2}
LEADS = {
    "en": "According to media reports, ",
    "zh": "据媒体报道，",
    "ja": "報道によると、",
    "ko": "언론 보도에 따르면 ",
}
# Sentences with details of their own, so that two reports are never near-duplicates by chance.
DETAILS = {
    "en": [
        "The meeting in {city} on day {day} drew {n} delegates from {m} countries.",
        "Some {n} people followed the broadcast, a figure {m} percent above last month.",
        "The statement, issued at {n}:{m:02d} local time, ran to {day} paragraphs.",
        "Officials in {city} said {n} contracts worth {m} million were signed.",
    ],
    "zh": [
        "据悉，第{day}天在{city}举行的会议吸引了来自{m}个国家的{n}名代表。",
        "约有{n}人观看了直播，比上月增加了百分之{m}。",
        "该声明于当地时间{n}点{m}分发布。",
    ],
    "ja": [
        "{day}日目に{city}で開かれた会合には{m}か国から{n}人の代表が参加した。",
        "中継の視聴者は約{n}人で、前月より{m}パーセント多かった。",
        "声明は現地時間の{n}時{m}分に発表された。",
    ],
    "ko": [
        "{day}일째 {city}에서 열린 회의에는 {m}개국에서 {n}명의 대표가 참석했다.",
        "중계 시청자는 약 {n}명으로 지난달보다 {m}퍼센트 늘었다.",
        "성명은 현지 시간 {n}시 {m}분에 발표됐다.",
    ],
}
CITIES = {
    "en": ["Manila", "Jakarta", "Hanoi", "Suva", "Singapore", "Bangkok", "Honiara", "Port Moresby"],
    "zh": ["马尼拉", "雅加达", "河内", "苏瓦", "新加坡", "曼谷"],
    "ja": ["マニラ", "ジャカルタ", "ハノイ", "スバ", "シンガポール", "バンコク"],
    "ko": ["마닐라", "자카르타", "하노이", "수바", "싱가포르", "방콕"],
}
BOILERPLATE = {
    "en": ["Subscribe to our newsletter for more.", "© 2026 {outlet}. All rights reserved."],
    "zh": ["版权所有 © {outlet}", "责任编辑：王明"],
    "ja": ["無断転載を禁じます。", "© {outlet}"],
    "ko": ["무단 전재 및 재배포 금지", "관련기사: 더 보기"],
}


@cache
def data(name: str) -> Any:
    """One of the corpus files shipped in ``fimi/sample_data``."""
    return json.loads(resources.files("liaison_hub.fimi").joinpath(f"sample_data/{name}.json").read_text("utf-8"))


@dataclass
class LabelledReport:
    number: int
    outlet: str
    outlet_country: str | None
    language: str
    url: str
    published_at: str
    title: str
    text: str
    narratives: list[str] = field(default_factory=list)
    cluster: int = 0
    passages: dict[str, str] = field(default_factory=dict)
    """The sentence that carries each narrative (what an analyst would mark)."""

    def item(self) -> dict[str, Any]:
        """The report as an import item (labels left out)."""
        values = asdict(self)
        return {k: values[k] for k in ("outlet", "outlet_country", "language", "url", "published_at", "title", "text")}


class Generator:
    def __init__(self, seed: int, start: datetime) -> None:
        self.random = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
        self.start = start
        self.sentences: dict[str, dict[str, list[str]]] = data("sentences")
        self.outlets: list[dict[str, Any]] = data("outlets")
        self.made: list[LabelledReport] = []

    def _outlet(self, language: str, avoid: str | None = None) -> dict[str, Any]:
        fits = [o for o in self.outlets if language in o["languages"] and o["name"] != avoid]
        return self.random.choice(fits)

    def _text(self, language: str, narratives: list[str], passages: dict[str, str]) -> str:
        neutral = self.sentences["none"][language]
        body = self.random.sample(neutral, k=min(len(neutral), self.random.randint(2, 4)))
        for template in self.random.sample(DETAILS[language], k=2):
            slots = {"city": self.random.choice(CITIES[language]), "day": self.random.randint(2, 9)}
            body.append(template.format(n=self.random.randint(10, 999), m=self.random.randint(2, 59), **slots))
        self.random.shuffle(body)
        for key in narratives:
            passages[key] = self.random.choice(self.sentences[key][language])
            body.insert(self.random.randint(1, len(body)), passages[key])
        joiner = " " if language == "en" else ""
        paragraphs = [joiner.join(body[i : i + 2]) for i in range(0, len(body), 2)]
        return "\n\n".join(paragraphs)

    def original(self) -> LabelledReport:
        language = self.random.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
        keys = [k for k in self.sentences if k != "none" and self.sentences[k].get(language)]
        narratives = self.random.sample(keys, k=self.random.choice([0, 1, 1, 1, 2])) if keys else []
        outlet = self._outlet(language)
        number = len(self.made) + 1
        passages: dict[str, str] = {}
        text = self._text(language, narratives, passages)
        published = self.start + timedelta(days=self.random.randint(0, 90), hours=self.random.randint(0, 23))
        return LabelledReport(
            number=number,
            outlet=outlet["name"],
            outlet_country=outlet["country"],
            language=language,
            url=f"https://{outlet['site']}/{published:%Y/%m}/{number:04d}",
            published_at=published.isoformat(),
            title=text.split("\n")[0][:80],
            text=text,
            narratives=sorted(narratives),
            cluster=number,
            passages=passages,
        )

    def copy(self, source: LabelledReport) -> LabelledReport:
        """Another outlet pushing the same text, changed as copy-paste amplification changes it."""
        outlet = self._outlet(source.language, avoid=source.outlet)
        number = len(self.made) + 1
        text = self._perturb(source.text, source.language, outlet["name"])
        published = datetime.fromisoformat(source.published_at) + timedelta(hours=self.random.randint(1, 72))
        return LabelledReport(
            number=number,
            outlet=outlet["name"],
            outlet_country=outlet["country"],
            language=source.language,
            url=f"https://{outlet['site']}/{published:%Y/%m}/{number:04d}",
            published_at=published.isoformat(),
            title=source.title.upper() if self.random.random() < 0.3 else source.title,
            text=text,
            narratives=source.narratives,
            cluster=source.cluster,
            passages=source.passages,
        )

    def _perturb(self, text: str, language: str, outlet: str) -> str:
        changed = text
        if self.random.random() < 0.5:
            changed = changed.replace('"', "“", 1).replace('"', "”", 1).replace("。", "。 ")
        if self.random.random() < 0.4:
            changed = changed.replace(" ", "  ").replace("\n\n", "\n \n")
        if self.random.random() < 0.3:
            changed = changed.upper() if language == "en" else changed
        if self.random.random() < 0.5:
            changed = LEADS[language] + changed[0].lower() + changed[1:]
        if self.random.random() < 0.3:
            paragraphs = changed.split("\n\n")
            changed = "\n\n".join(paragraphs[:-1]) if len(paragraphs) > 2 else changed
        extra = [line.format(outlet=outlet) for line in BOILERPLATE[language] if self.random.random() < 0.6]
        return "\n".join([changed, *extra])

    def generate(self, count: int, *, copy_share: float) -> list[LabelledReport]:
        originals = [r for r in self.made if r.cluster == r.number]
        while len(self.made) < count:
            if originals and self.random.random() < copy_share:
                self.made.append(self.copy(self.random.choice(originals)))
            else:
                self.made.append(self.original())
                originals.append(self.made[-1])
        return self.made


def generate(count: int, *, seed: int, start: datetime | None = None, copy_share: float = 0.3) -> list[LabelledReport]:
    """``count`` labelled reports, the same for the same seed."""
    begin = start or datetime(2026, 6, 1, tzinfo=UTC)
    return Generator(seed, begin).generate(count, copy_share=copy_share)
