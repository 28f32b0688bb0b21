"""A recurrence rule (RFC 5545 section 3.3.10) in plain English, shown beside the RRULE: "every 3 months, on the 2nd
Wednesday". Covers the parts the scheduler accepts; anything else is named as it is written."""

from __future__ import annotations

import calendar

DAYS = dict(zip(("MO", "TU", "WE", "TH", "FR", "SA", "SU"), calendar.day_name, strict=True))
MONTHS = list(calendar.month_name)[1:]
UNITS = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "DAILY": "day"}


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... and, for negative numbers, "last", "2nd to last" ..."""
    if number == -1:
        return "last"
    if number < 0:
        return f"{ordinal(-number)} to last"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _day(spec: str) -> tuple[int | None, str]:
    """``2WE`` is (2, "Wednesday"); ``-1FR`` is (-1, "Friday"); ``TU`` is (None, "Tuesday")."""
    code, number = spec[-2:], spec[:-2]
    return (int(number) if number not in ("", "+", "-") else None), DAYS.get(code, code)


def _days(value: str, positions: list[int]) -> str:
    parts = [_day(spec) for spec in value.split(",")]
    if positions and all(n is None for n, _ in parts):
        names = _and([name for _, name in parts])
        which = " or ".join(ordinal(p) for p in positions)
        return f"the {which} {names}" if len(parts) == 1 else f"the {which} of {names}"
    return _and([f"the {ordinal(n)} {name}" if n is not None else name for n, name in parts])


def describe_rule(rule: str) -> str:
    """The rule in words; an unknown part is kept as written rather than guessed at."""
    parts = dict(part.split("=", 1) for part in rule.removeprefix("RRULE:").split(";") if "=" in part)
    unit = UNITS.get(parts.get("FREQ", ""), parts.get("FREQ", "?").lower())
    interval = int(parts.get("INTERVAL", "1") or 1)
    text = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    if "BYMONTH" in parts:
        text += " in " + _and(
            [MONTHS[int(m) - 1] for m in parts["BYMONTH"].split(",") if m.isdigit() and 0 < int(m) <= 12]
        )
    positions = [int(p) for p in parts.get("BYSETPOS", "").split(",") if p.lstrip("-").isdigit()]
    if "BYDAY" in parts:
        text += (", on " if unit != "week" else " on ") + _days(parts["BYDAY"], positions)
    if "BYMONTHDAY" in parts:
        days = [d for d in parts["BYMONTHDAY"].split(",") if d.lstrip("-").isdigit()]
        text += ", on " + _and([f"the {ordinal(int(d))} day" if d.startswith("-") else f"day {d}" for d in days])
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        text += f", until {until[:4]}-{until[4:6]}-{until[6:8]}"
    known = {"FREQ", "INTERVAL", "BYMONTH", "BYSETPOS", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}
    extra = [f"{k}={v}" for k, v in parts.items() if k not in known]
    text += f" ({'; '.join(extra)})" if extra else ""
    return text[:1].upper() + text[1:]
