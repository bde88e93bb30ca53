"""Values a sentence states for an expectation item, so two sources can be compared: a reporting cadence
(frequency, day of the month, weekday) or a fee (amount and period)."""

from __future__ import annotations

import re

_FREQUENCY = re.compile(
    r"\b(weekly|monthly|fortnightly|biweekly|bi-weekly|daily|quarterly|every (?:two|2) weeks|each week|"
    r"each month|every month|every week|every quarter)\b", re.I,
)
_FREQ_NORMAL = {"each week": "weekly", "every week": "weekly", "each month": "monthly", "every month": "monthly",
                "every two weeks": "fortnightly", "every 2 weeks": "fortnightly", "biweekly": "fortnightly",
                "bi-weekly": "fortnightly", "every quarter": "quarterly"}
# The frequency that qualifies the report itself ("weekly status report", "results email … each month"),
# not another meeting in the same sentence ("the monthly review").
_FREQ_BEFORE = re.compile(rf"{_FREQUENCY.pattern}\s+(?:\w+\s+){{0,2}}?(?:report|update|email)s?\b", re.I)
_FREQ_AFTER = re.compile(
    r"\b(?:report|update|email)s?\b[^.;]{0,50}?\b(each week|each month|every week|every month|every quarter)\b", re.I
)
_DAY_OF_MONTH = re.compile(
    r"\b(?:on|by) the (\d{1,2})(?:st|nd|rd|th)\b|\b(\d{1,2})(?:st|nd|rd|th) of (?:each|every|the) month", re.I
)
_WEEKDAY = re.compile(r"\b(?:every|each|on) (monday|tuesday|wednesday|thursday|friday)s?\b", re.I)
_ORDINAL_WEEKDAY = re.compile(r"\b(first|second|third|last) (monday|tuesday|wednesday|thursday|friday) of", re.I)
_REPORT_NOUN = re.compile(r"\b(status|performance|results?|progress)?\s*(?:report|update|email)s?\b", re.I)
CADENCE_CUE = re.compile(rf"{_FREQUENCY.pattern}|{_DAY_OF_MONTH.pattern}|{_WEEKDAY.pattern}|"
                         rf"{_ORDINAL_WEEKDAY.pattern}", re.I)
_FEE = re.compile(r"\b(retainer|(?:monthly |management |project |agency )?fee)\b", re.I)
_AMOUNT = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m)?\b", re.I)
_AMOUNT_BEFORE = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)\s?(k|m)?\s+(?:a month\s+|monthly\s+)?(?:\w+\s+)?$", re.I)
_PER_MONTH = re.compile(r"^\W*(?:a|per|/|each)\s?month|^\W*monthly|^/month", re.I)


def cadence_values(text: str) -> dict[str, str]:
    """{"frequency": "monthly", "day": "5", "weekday": "monday", "report": "performance"} as stated."""
    values: dict[str, str] = {}
    if m := (_FREQ_BEFORE.search(text) or _FREQ_AFTER.search(text)):
        values["frequency"] = _FREQ_NORMAL.get(m.group(1).lower(), m.group(1).lower())
    if m := _DAY_OF_MONTH.search(text):
        values["day"] = m.group(1) or m.group(2)
    if m := _ORDINAL_WEEKDAY.search(text):
        values["weekday"] = f"{m.group(1).lower()} {m.group(2).lower()} of the month"
    elif m := _WEEKDAY.search(text):
        values["weekday"] = m.group(1).lower()
    if (m := _REPORT_NOUN.search(text)) and m.group(1):
        values["report"] = m.group(1).lower().rstrip("s")
    return values


def _dollars(match: re.Match[str]) -> float:
    number = float(match.group(1).replace(",", ""))
    scale = (match.group(2) or "").lower()
    return number * (1000 if scale == "k" else 1_000_000 if scale == "m" else 1)


def fee_values(text: str) -> dict[str, str]:
    """{"retainer per month": "16500"}: the first amount within a few words after a fee word."""
    values: dict[str, str] = {}
    for fee in _FEE.finditer(text):
        after = text[fee.end() : fee.end() + 40]
        before = _AMOUNT_BEFORE.search(text[max(0, fee.start() - 30) : fee.start()])  # "$96,000 fixed fee"
        amount = before or _AMOUNT.search(after)
        if not amount:
            continue
        rest = text[fee.end() :] if before else after[amount.end() :]
        period = "per month" if _PER_MONTH.search(rest) else "total"
        kind = "retainer" if "retainer" in fee.group(1).lower() else "fee"
        values.setdefault(f"{kind} {period}", f"{_dollars(amount):.0f}")
    return values


def describe(attribute: str, value: str) -> str:
    if attribute == "day":
        suffix = {"1": "st", "2": "nd", "3": "rd", "21": "st", "22": "nd", "23": "rd", "31": "st"}.get(value, "th")
        return f"on the {value}{suffix}"
    if attribute.startswith(("retainer", "fee")):
        return f"{attribute.split()[0]} ${int(float(value)):,}" + (" a month" if "month" in attribute else "")
    return value
