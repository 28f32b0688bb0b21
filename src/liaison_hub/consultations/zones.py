"""Time zones and public holidays of participants: a nation's default IANA zone and its holiday calendar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays
import pycountry

from liaison_hub.errors import InvalidInput

# Nations spanning several zones: the capital's zone (REFERENCES.md: Canberra is Australia/Sydney).
CAPITAL_ZONES = {
    "AUS": "Australia/Sydney",
    "CAN": "America/Toronto",
    "DEU": "Europe/Berlin",
    "ESP": "Europe/Madrid",
    "NZL": "Pacific/Auckland",
    "PRT": "Europe/Lisbon",
    "USA": "America/New_York",
}
# Public holidays of the capital's subdivision where they differ from the national ones (REFERENCES.md).
CAPITAL_SUBDIVISIONS = {"AUS": "ACT", "NZL": "WGN"}

HolidayCheck = Callable[[date], bool]


def zone(name: str) -> ZoneInfo:
    """An IANA zone by name; an unknown name is refused with a clear message."""
    if name not in available_zones():
        raise InvalidInput(f"unknown time zone {name!r}: expected an IANA name such as Europe/Brussels or Asia/Tokyo")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown time zone {name!r}") from None


@cache
def available_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def _country_zones() -> dict[str, tuple[str, ...]]:
    """ISO alpha-2 → zones, read from the IANA ``zone.tab`` that the tzdata package ships."""
    table: dict[str, list[str]] = {}
    for line in files("tzdata.zoneinfo").joinpath("zone.tab").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, _, name = line.split("\t")[:3]
        table.setdefault(code, []).append(name)
    return {code: tuple(names) for code, names in table.items()}


def _alpha2(nation_code: str) -> str:
    country = pycountry.countries.get(alpha_3=nation_code)
    if country is None:
        raise InvalidInput(f"unknown nation {nation_code!r}")
    return str(country.alpha_2)


def default_zone(nation_code: str | None) -> str:
    """The zone a nation's participants get unless they name one: its only zone, or its capital's."""
    if nation_code is None:
        raise InvalidInput("an alliance body has no nation: give its time zone explicitly (e.g. Europe/Brussels)")
    if nation_code in CAPITAL_ZONES:
        return CAPITAL_ZONES[nation_code]
    zones = _country_zones().get(_alpha2(nation_code), ())
    if len(zones) != 1:
        raise InvalidInput(f"{nation_code} spans several time zones: give the participant's zone explicitly")
    return zones[0]


@cache
def holiday_check(nation_code: str | None) -> HolidayCheck:
    """Whether a date is a public holiday in the nation (its capital's subdivision where that matters)."""
    if nation_code is None:
        return lambda _: False
    try:
        calendar = holidays.country_holidays(_alpha2(nation_code), subdiv=CAPITAL_SUBDIVISIONS.get(nation_code))
    except NotImplementedError:
        return lambda _: False
    return lambda day: day in calendar


def holiday_name(nation_code: str | None, day: date) -> str | None:
    if nation_code is None:
        return None
    try:
        calendar = holidays.country_holidays(_alpha2(nation_code), subdiv=CAPITAL_SUBDIVISIONS.get(nation_code))
    except NotImplementedError:
        return None
    name = calendar.get(day)
    return str(name) if name else None
