"""Names of nations beyond their ISO names: adjectives and demonyms, capitals used as metonyms ("Beijing said"),
and the Chinese, Japanese and Korean names of the AP4 nations, China and their neighbours. Facts of language, kept
short on purpose: what the linker misses is listed in docs/fimi.md."""

from __future__ import annotations

# ISO 3166-1 alpha-3 -> English adjectives, demonyms and short names beyond pycountry's names.
ENGLISH_FORMS: dict[str, tuple[str, ...]] = {
    "AUS": ("Australian", "Australians"),
    "CAN": ("Canadian", "Canadians"),
    "CHN": ("Chinese", "PRC", "People's Republic of China", "mainland China"),
    "DEU": ("German", "Germans"),
    "FRA": ("French",),
    "GBR": ("British", "Briton", "Britons", "UK", "U.K.", "Britain", "United Kingdom"),
    "IND": ("Indian", "Indians"),
    "JPN": ("Japanese",),
    "KOR": ("South Korea", "South Korean", "South Koreans", "Republic of Korea", "ROK", "Korean"),
    "NZL": ("New Zealander", "New Zealanders"),
    "PHL": ("Filipino", "Filipinos", "Philippine"),
    "PRK": ("North Korea", "North Korean", "North Koreans", "DPRK"),
    "RUS": ("Russian", "Russians", "Russia"),
    "TWN": ("Taiwanese", "Taiwan"),
    "USA": ("American", "Americans", "US", "U.S.", "United States", "America"),
    "VNM": ("Vietnamese", "Vietnam"),
    "IDN": ("Indonesian", "Indonesians"),
    "ITA": ("Italian", "Italians"),
    "POL": ("Polish", "Poles"),
    "TUR": ("Turkish", "Türkiye"),
}

# Capitals whose name stands for the government ("Canberra warned"): linked only when used that way.
CAPITALS: dict[str, tuple[str, ...]] = {
    "AUS": ("Canberra",),
    "CHN": ("Beijing",),
    "FRA": ("Paris",),
    "DEU": ("Berlin",),
    "GBR": ("London",),
    "JPN": ("Tokyo",),
    "KOR": ("Seoul",),
    "NZL": ("Wellington",),
    "PRK": ("Pyongyang",),
    "RUS": ("Moscow", "the Kremlin", "Kremlin"),
    "TWN": ("Taipei",),
    "USA": ("Washington", "the White House"),
}

# Verbs (and the possessive) after a capital that make it a metonym for its government.
METONYM_VERBS = (
    "'s|said|says|warned|warns|accused|accuses|claimed|claims|insisted|insists|denied|denies|announced|announces|"
    "responded|responds|urged|urges|criticised|criticized|criticises|criticizes|condemned|condemns|rejected|rejects|"
    "wants|sees|views|fears|protested|slammed|vowed|pledged|stated|maintains|argues|"
    "hit back|called|calls|lodged|summoned|welcomed|welcomes|signalled|signaled|believes|considers"
)

# Chinese (simplified and traditional), Japanese and Korean names. CJK text is matched as substrings.
CJK_FORMS: dict[str, tuple[str, ...]] = {
    "AUS": ("澳大利亚", "澳大利亞", "澳洲", "オーストラリア", "豪州", "호주", "오스트레일리아"),
    "CHN": ("中国", "中國", "中華人民共和国", "中华人民共和国", "중국"),
    "JPN": ("日本", "일본"),
    "KOR": ("韩国", "韓國", "韓国", "南韩", "大韓民国", "大韩民国", "한국", "대한민국"),
    "NZL": ("新西兰", "紐西蘭", "ニュージーランド", "뉴질랜드"),
    "PRK": ("朝鲜", "北朝鮮", "북한", "조선민주주의인민공화국"),
    "USA": ("美国", "美國", "米国", "アメリカ", "미국"),
    "RUS": ("俄罗斯", "俄羅斯", "ロシア", "러시아"),
    "TWN": ("台湾", "臺灣", "台灣", "대만"),
    "PHL": ("菲律宾", "フィリピン", "필리핀"),
    "GBR": ("英国", "イギリス", "영국"),
    "FRA": ("法国", "フランス", "프랑스"),
    "DEU": ("德国", "ドイツ", "독일"),
}

CJK_CAPITALS: dict[str, tuple[str, ...]] = {
    "AUS": ("堪培拉", "キャンベラ", "캔버라"),
    "CHN": ("北京", "베이징"),
    "JPN": ("东京", "東京", "도쿄"),
    "KOR": ("首尔", "首爾", "ソウル", "서울"),
    "NZL": ("惠灵顿", "ウェリントン", "웰링턴"),
    "PRK": ("平壤", "平壌", "평양"),
    "USA": ("华盛顿", "華盛頓", "ワシントン", "워싱턴"),
    "RUS": ("莫斯科", "モスクワ", "모스크바", "克里姆林宫"),
}

# What follows a CJK capital used for its government: a reporting verb, a topic or subject particle, "side".
CJK_METONYM_AFTER = "表示|认为|認為|称|稱|警告|指责|批评|说|說|方面|当局|政府|側|は|が|정부|측|은|는|이|가"

# Names of groupings in the directory beyond their code and name (only groupings the hub has are linked).
GROUPING_FORMS: dict[str, tuple[str, ...]] = {
    "ALLIANCE": (
        "NATO",
        "North Atlantic Treaty Organization",
        "North Atlantic Treaty Organisation",
        "the Alliance",
        "the alliance",
        "北约",
        "北約",
        "北大西洋公约组织",
        "北大西洋条約機構",
        "나토",
        "북대서양조약기구",
    ),
    "AP4": (
        "AP4",
        "IP4",
        "Indo-Pacific Four",
        "Indo-Pacific partners",
        "Asia-Pacific partners",
        "亚太四国",
        "アジア太平洋パートナー",
        "인도태평양 파트너",
    ),
}
