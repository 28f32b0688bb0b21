"""Text handling, linking, term counting and file formats: deterministic, offline, in several languages."""

from __future__ import annotations

import pytest

from liaison_hub.errors import InvalidInput
from liaison_hub.fimi import formats, linking, text
from liaison_hub.fimi.framing import Term, TermCounter

DIRECTORY = linking.Directory(
    organisations=(("Japan Ministry of Foreign Affairs", "JPN-MOFA"),),
    groupings=(("ALLIANCE", "The alliance (all member nations)"), ("AP4", "Indo-Pacific partners")),
)


def test_copies_that_differ_in_spacing_punctuation_quotes_casing_and_boilerplate_have_one_key() -> None:
    original = 'The alliance "must not" meddle in the region, he said.\nIt is extending its tentacles.'
    copies = [
        "THE ALLIANCE “MUST NOT” MEDDLE IN THE REGION HE SAID.  IT IS   EXTENDING ITS TENTACLES!",
        "The alliance 'must not' meddle in the region, he said.\n\nIt is extending its tentacles.\n"
        "Subscribe to our newsletter.\n© 2026 Global Courier. All rights reserved.",
    ]
    assert {text.text_key(c) for c in copies} == {text.text_key(original)}
    assert text.text_key("北约把触角伸向亚太。") == text.text_key("北约把触角伸向亚太\n版权所有 © 环球")


def test_near_duplicates_share_most_of_their_signature_and_others_do_not() -> None:
    base = " ".join(f"Sentence number {i} says something different about the region and its ports." for i in range(12))
    edited = "According to media reports, " + base.replace("number 3", "no. 3")
    other = " ".join(f"An unrelated text {i} about rainfall, trains and interest rates." for i in range(12))
    assert text.similarity(text.signature(base), text.signature(edited)) >= text.THRESHOLD
    assert text.similarity(text.signature(base), text.signature(other)) < 0.2
    assert set(text.band_keys(text.signature(base))) & set(text.band_keys(text.signature(edited)))


@pytest.mark.parametrize(
    ("sample", "code"),
    [
        ("The alliance is extending its tentacles into the region, the spokesman said on Monday.", "en"),
        ("北约把触角伸向亚太地区，外交部发言人表示反对。", "zh"),
        ("NATOはアジア太平洋に触手を伸ばしていると報道官は述べた。", "ja"),
        ("나토가 아시아태평양으로 촉수를 뻗고 있다고 대변인이 말했다.", "ko"),
    ],
)
def test_language_is_detected_offline(sample: str, code: str) -> None:
    assert text.detect_language(sample) == code


def test_language_codes_are_checked() -> None:
    assert text.language_code("zh-CN") == "zh"
    assert text.language_code("JA") == "ja"
    with pytest.raises(InvalidInput, match="unknown language code"):
        text.language_code("xx")
    with pytest.raises(InvalidInput, match="unknown language code"):
        text.language_code("english")


def test_linking_finds_nations_capitals_as_metonyms_groupings_organisations_and_speakers() -> None:
    sample = (
        'Beijing said the alliance must stop. "NATO must not meddle in the Asia-Pacific," foreign ministry '
        "spokesman Lin Jian told reporters. Canberra warned against it; Japanese officials and the JPN-MOFA "
        "disagreed. Tokyo is a large city. 外交部发言人林剑表示：“北约把触角伸向亚太。”北京认为这是对抗。"
        '한국 외교부 대변인은 "나토와 협력하겠다"라고 말했다. 서울은 반대했다. 日本と韓国。'
    )
    found = {(m.kind, m.ref) for m in linking.link(sample, DIRECTORY)}
    assert {("nation", "CHN"), ("nation", "AUS"), ("nation", "JPN"), ("nation", "KOR")} <= found
    assert {("grouping", "ALLIANCE"), ("organisation", "JPN-MOFA")} <= found
    speakers = {m.ref: m.quote for m in linking.link(sample, DIRECTORY) if m.kind == "speaker"}
    assert speakers["Lin Jian"] == "NATO must not meddle in the Asia-Pacific"
    assert speakers["外交部发言人林剑"] == "北约把触角伸向亚太。"
    assert speakers["한국 외교부 대변인"] == "나토와 협력하겠다"
    tokyo = [m for m in linking.link(sample, DIRECTORY) if m.surface == "Tokyo"]
    assert tokyo == [], "a capital named as a place is not its government"


def test_linking_finds_urls_and_domains_in_normal_form() -> None:
    found = {(m.kind, m.ref) for m in linking.link("See HTTPS://News.Example.CN/a/1 and globaltimes.cn.", DIRECTORY)}
    assert ("url", "https://news.example.cn/a/1") in found
    assert {("domain-name", "news.example.cn"), ("domain-name", "globaltimes.cn")} <= found


def test_terms_are_counted_inside_cjk_compounds_and_as_whole_latin_words() -> None:
    counter = TermCounter(
        [
            Term(1, 1, "Indo-Pacific", ("印太", "インド太平洋", "인도태평양")),
            Term(1, 2, "Asia-Pacific", ("亚太", "アジア太平洋", "아시아태평양")),
        ]
    )

    def counts(sample: str) -> dict[str, int]:
        return {t.label: n for t, n in counter.count(sample)}

    assert counts("The Indo-Pacific, the indo pacific; an Asia Pacific forum. Indo-Pacifics.") == {
        "Indo-Pacific": 2,
        "Asia-Pacific": 1,
    }
    assert counts("印太地区与亚太地区，亚太经合组织。") == {"Indo-Pacific": 1, "Asia-Pacific": 2}
    assert counts("自由で開かれたインド太平洋地域とアジア太平洋経済協力") == {"Indo-Pacific": 1, "Asia-Pacific": 1}
    assert counts("인도태평양은 아시아태평양과 다르다") == {"Indo-Pacific": 1, "Asia-Pacific": 1}


def test_text_files_with_a_header_are_read() -> None:
    data = (
        b"Outlet: Global Courier\nCountry: CHN\nPublished: 2026-06-01T09:00:00Z\nTitle: One\n\nFirst text.\n---\n"
        b"Outlet: Kiwi Current\nURL: https://kiwi.example.nz/2\n\nSecond text.\n"
    )
    items = list(formats.read_items(data, fmt=formats.Format.text, name="a.txt", defaults=formats.Defaults()))
    assert [i[1]["outlet"] for i in items] == ["Global Courier", "Kiwi Current"]  # type: ignore[index]
    assert items[0][1]["text"] == "First text."  # type: ignore[index]


def test_html_pages_give_their_main_text_and_empty_pages_are_refused() -> None:
    body = "<p>" + "The alliance is extending its tentacles into the region, officials said. " * 8 + "</p>"
    page = (
        "<html><head><title>Tentacles</title></head><body><nav>Home | About</nav>"
        f"<article>{body}</article></body></html>"
    )
    items = list(formats.read_items(page.encode(), fmt=formats.Format.html, name="p.html", defaults=formats.Defaults()))
    assert "tentacles" in items[0][1]["text"]  # type: ignore[index]
    assert "Home | About" not in items[0][1]["text"]  # type: ignore[index]
    with pytest.raises(InvalidInput, match="no text that can be extracted"):
        list(
            formats.read_items(
                b"<html><body><nav>x</nav></body></html>",
                fmt=formats.Format.html,
                name="e.html",
                defaults=formats.Defaults(),
            )
        )


def test_feeds_are_read_and_other_xml_is_refused() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Kiwi Current</title><language>en</language>
    <item><title>One</title><link>https://kiwi.example.nz/1</link><pubDate>Mon, 01 Jun 2026 09:00:00 GMT</pubDate>
    <description>&lt;p&gt;The Indo-Pacific partners met.&lt;/p&gt;</description></item></channel></rss>"""
    items = list(formats.read_items(rss, fmt=formats.Format.feed, name="f.xml", defaults=formats.Defaults()))
    fields = items[0][1]
    assert isinstance(fields, dict)
    assert (fields["outlet"], fields["text"], fields["url"]) == (
        "Kiwi Current",
        "The Indo-Pacific partners met.",
        "https://kiwi.example.nz/1",
    )
    with pytest.raises(InvalidInput, match="not an RSS or Atom feed"):
        list(
            formats.read_items(
                b"<note><to>x</to></note>", fmt=formats.Format.feed, name="n.xml", defaults=formats.Defaults()
            )
        )
