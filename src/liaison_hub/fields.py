"""Field types shared by the API schemas: each publishes in the OpenAPI document exactly the form it accepts (a
pattern or a list of values) and refuses anything else with a message a person can act on, never a regex."""

from __future__ import annotations

import re
from datetime import time
from functools import cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from liaison_hub.errors import InvalidInput
from liaison_hub.policy.levels import TLP, classification_levels, parse_classification, parse_tlp

USERNAME = r"^[a-z0-9][a-z0-9._-]{1,63}$"
TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
RRULE_PART = (
    r"(INTERVAL=[1-9][0-9]{0,2}|COUNT=[1-9][0-9]{0,3}|UNTIL=[0-9]{8}(T[0-9]{6}Z?)?"
    r"|BYDAY=[+-]?[0-9]{0,2}(MO|TU|WE|TH|FR|SA|SU)(,[+-]?[0-9]{0,2}(MO|TU|WE|TH|FR|SA|SU))*"
    r"|BYMONTHDAY=-?[0-9]{1,2}(,-?[0-9]{1,2})*|BYMONTH=[0-9]{1,2}(,[0-9]{1,2})*"
    r"|BYSETPOS=-?[0-9]{1,3}(,-?[0-9]{1,3})*|BYWEEKNO=-?[0-9]{1,2}(,-?[0-9]{1,2})*|WKST=(MO|TU|WE|TH|FR|SA|SU))"
)
RRULE = rf"^(RRULE:)?FREQ=(YEARLY|MONTHLY|WEEKLY|DAILY)(;{RRULE_PART})*$"


def _matching(pattern: str, message: str, *, upper: bool = False) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value.strip().upper() if upper else value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _time_of_day(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(TIME_OF_DAY, value.strip()):
        raise ValueError(
            "use a local time of day such as 08:30 (24-hour clock, no time zone: the participant's applies)"
        )
    return value.strip() if isinstance(value, str) else value


def _naive(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("use a local time of day such as 08:30, without a time zone: the participant's applies")
    return value


def _zone(value: str) -> str:
    if value not in _zone_set():
        raise ValueError(f"{value[:64]!r} is not a time zone name; use an IANA name such as Europe/Brussels or UTC")
    return value


@cache
def _zone_set() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_names() -> list[str]:
    return sorted(_zone_set())


def _tlp(value: str) -> str:
    try:
        return parse_tlp(value).value
    except InvalidInput:
        raise ValueError(f"must be one of {', '.join(t.value for t in TLP)}") from None


def _classification(value: str) -> str:
    try:
        return parse_classification(value).code
    except InvalidInput:
        codes = ", ".join(f"{lv.code} ({lv.name})" for lv in classification_levels())
        raise ValueError(f"must be one of {codes}") from None


Username = Annotated[
    str,
    _matching(USERNAME, "use 2-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"),
    WithJsonSchema({"type": "string", "pattern": USERNAME, "examples": ["akiko.sato"]}),
]
TimeOfDay = Annotated[
    time,
    BeforeValidator(_time_of_day),
    AfterValidator(_naive),
    WithJsonSchema({"type": "string", "pattern": TIME_OF_DAY, "examples": ["08:00"]}),
]
ZoneName = Annotated[
    str,
    AfterValidator(_zone),
    WithJsonSchema({"type": "string", "enum": zone_names(), "description": "An IANA time zone name."}),
]
RecurrenceRule = Annotated[
    str,
    _matching(RRULE, "write an RFC 5545 rule such as FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2", upper=True),
    WithJsonSchema({"type": "string", "pattern": RRULE, "examples": ["FREQ=MONTHLY;INTERVAL=3;BYDAY=WE;BYSETPOS=2"]}),
]
TlpName = Annotated[str, AfterValidator(_tlp), WithJsonSchema({"type": "string", "enum": [t.value for t in TLP]})]
ClassificationCode = Annotated[
    str,
    AfterValidator(_classification),
    WithJsonSchema({"type": "string", "enum": [lv.code for lv in classification_levels()]}),
]
