"""Dates and periods a sentence refers to, read against the article's publication date: "in January 2024",
"at the end of January" (in an article of February 4: January 31), "as of November 30, 2025", "in Q3 2025", "the
fourth quarter", "4Q 2025", "the first half of 2025", "in 2025", "year-end 2023", "at year-end", "last month", "on
Monday", "yesterday", "between March 4 and March 25" (one span, by its end).

dateparser (installed) reads single dates well but has no notion of a period (a quarter, a month as a whole, "the
end of" one), gives no character spans to tie a date to the figure beside it, and fills a missing year from
today rather than from the article; so the grammar here is small and regex-based, and dateutil (as
ingest/article.py uses) is not needed either: every form below has its month by name or counts from the article.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4}
YEAR = r"(?:19|20)\d\d"
END_OF = r"(?P<end>(?:at\s+|by\s+)?(?:the\s+)?(?:end|close)\s+of\s+(?:the\s+)?|year[- ]end\s+|month[- ]end\s+)?"

# most specific first: a span taken by one pattern is not read again by a later one
DAY = re.compile(
    r"(?P<ended>\b(?P<span>quarter|three months|month|year|twelve months)\s+(?:to|ended|ending)\s+)?"
    rf"(?:\b(?P<month>{MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>{YEAR}))?\b"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTH})\.?(?:\s+(?P<year2>{YEAR}))?\b"
    rf"|\b(?P<iso>{YEAR}-\d\d-\d\d)\b)",
    re.I,
)
DAY_SPAN = re.compile(  # "October 5 and 16", "August 17-21", "September 26-27, 2026", "August 17 to August 23"
    rf"\b(?P<month>{MONTH})\.?\s+(?P<first>\d{{1,2}})(?:st|nd|rd|th)?\s*(?P<join>-|–|to|through|and)\s*"
    rf"(?:(?P<month2>{MONTH})\.?\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|mw\b|gw\b|btc\b|eth\b|eh/s|bitcoin|percent|per\b|million|billion|[-–]))(?:,?\s+(?P<year>{YEAR}))?",
    re.I,
)
MONTH_SPAN = re.compile(  # "the April-June period", "between April and June", "from July through September 2026"
    rf"(?P<open>\b(?:between|from)\s+)?\b(?P<month>{MONTH})\s*(?P<join>-|–|and|to|through)\s*"
    rf"(?P<month2>{MONTH})\b(?:\s+(?P<year>{YEAR}))?",
    re.I,
)
EARLIER = re.compile(r"\b(?:a|one)\s+(?P<unit>week|month|quarter|year)\s+(?:earlier|before)\b", re.I)
WEEKEND = re.compile(
    rf"\b(?:this|last|that|over the|during the)\s+weekend\b(?!\s+of\s+(?:{MONTH})\b)", re.I
)  # "the weekend of September 26-27" is its days
FISCAL_BARE = re.compile(  # "at fiscal year end", "during the fiscal year": the latest fiscal year's end
    r"\b(?:(?:at|by)\s+)?(?:the\s+)?fiscal[- ]year[- ]end\b|\b(?:the|its)\s+fiscal\s+year\b(?!\s+(?:19|20)\d\d)",
    re.I,
)
QUARTER = re.compile(
    rf"{END_OF}\b(?P<fiscal>fiscal\s+(?:year\s+)?)?(?:(?:Q(?P<q>[1-4])|(?P<q3>[1-4])Q|(?P<qword>first|second|third|fourth)"
    rf"[- ]quarter)(?:\s+(?:of\s+)?(?:fiscal\s+)?(?P<year>{YEAR}))?|(?P<year2>{YEAR})\s+Q(?P<q2>[1-4]))\b",
    re.I,
)
HALF = re.compile(
    rf"{END_OF}\b(?:(?:the\s+)?(?P<word>first|second)\s+half|H(?P<h>[12]))(?:\s+(?:of\s+)?(?P<year>{YEAR}))?\b", re.I
)
WEEKDAY = re.compile(
    r"\b(?:on\s+)?(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b(?!,?\s+\w+\s+\d)", re.I
)
ORDINAL_DAY = re.compile(r"\bon the (?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.I)
YESTERDAY = re.compile(r"\byesterday\b", re.I)
BARE_YEAR_END = re.compile(r"\b(?:at\s+)?(?:the\s+)?year[- ]end\b(?!\s+(?:of\s+)?(?:19|20)\d\d)", re.I)
RANGE_JOIN = re.compile(r"^\s*(?:and|to|through|until|-|–|—)\s*$", re.I)
RANGE_OPEN = re.compile(r"\b(?:between|from)\s+$", re.I)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_YEAR = re.compile(rf"{END_OF}\b(?P<month>{MONTH})\.?(?:\s+(?:of\s+)?(?P<year>{YEAR}))?\b", re.I)
YEAR_ONLY = re.compile(
    rf"{END_OF}\b(?:(?:calendar|full[- ]year|(?P<fiscal>fiscal(?:\s+year)?))\s+)?(?P<year>{YEAR})\b(?![-/]\d)"
    r"(?!\s+(?:Q[1-4]))",
    re.I,
)
RELATIVE = re.compile(
    r"\b(?P<end>(?:at\s+)?(?:the\s+)?end\s+of\s+)?(?:last|the\s+(?:previous|prior|preceding))\s+(?P<unit>month|quarter)\b",
    re.I,
)
MONTH_PREPOSITION = re.compile(
    r"\b(?:in|during|since|through|until|for|from|and|to|of|mid|early|late|ended|ending|on)\s+$", re.I
)
LAST_YEAR_AFTER = re.compile(r"^\s*(?:of\s+)?last year\b", re.I)
SPAN_TEXT = re.compile(r"\d\s*(?:-|–|to|and|through)\s*(?:[A-Za-z]+\.?\s+)?\d")
NOT_A_MONTH = re.compile(r"^(?:may|mar|jan|dec|sept?|oct|nov|aug|jun|jul|apr|feb)$", re.I)  # capitalised only


@dataclass(frozen=True)
class TimeRef:
    """One date or period named in a sentence. `as_of` is the date a figure tied to it refers to (the last day of a
    period, the day itself for a date); `period` is "YYYY-MM", "YYYY-Qn" or "YYYY" for a period, "" for a day or
    the end of a period ("at the end of January" is a point in time)."""

    start: int
    end: int
    as_of: date
    period: str
    text: str

    @property
    def is_point(self) -> bool:
        return not self.period

    @property
    def is_span(self) -> bool:
        """Days from one to another ("August 24 and September 1", "June 6-7"), dated by the last."""
        return bool(SPAN_TEXT.search(self.text))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_end(year: int, quarter: int) -> date:
    return month_end(year, quarter * 3)


def fiscal_quarter_end(fiscal_year: int, quarter: int, fiscal_year_end: int) -> date:
    """The last day of fiscal quarter `quarter` of a fiscal year that ends in month `fiscal_year_end`."""
    month, year = fiscal_year_end - 3 * (4 - quarter), fiscal_year
    while month <= 0:
        month, year = month + 12, year - 1
    return month_end(year, month)


def _latest_year(month: int, anchor: date) -> int:
    """The year of the latest `month` that began on or before `anchor` ("January" in a February article)."""
    return anchor.year if month <= anchor.month else anchor.year - 1


def times_in(
    sentence: str, published: date, fiscal_year_end: int = 12, earlier: TimeRef | None = None
) -> list[TimeRef]:
    """Every date or period in the sentence, in order of position; a missing year is the latest one not after
    the publication date. A fiscal quarter or year ("fiscal Q1 2026") ends by the company's fiscal year, which ends
    in month `fiscal_year_end` (CleanSpark's in September: its fiscal Q1 2026 is the quarter to December 31, 2025).
    "A week before" counts back from the date named before it in the sentence, else from `earlier` (the date the
    text last named: "holdings of zero as of February 20. It held 943.1 BTC one week before"), else publication."""
    taken: list[tuple[int, int]] = []
    found: list[TimeRef] = []

    def add(match: re.Match, as_of: date, period: str) -> None:
        found.append(TimeRef(match.start(), match.end(), as_of, period, match.group(0).strip()))
        taken.append(match.span())

    def free(match: re.Match) -> bool:
        start, end = match.span()
        return not any(start < e and s < end for s, e in taken)

    for match in DAY_SPAN.finditer(sentence):  # one span shorter than a month, dated by its last day
        if match.group("join").lower() == "and" and not RANGE_OPEN.search(sentence[: match.start()]):
            continue
        first = MONTHS[match.group("month").lower()]
        month = MONTHS[match.group("month2").lower()] if match.group("month2") else first
        year = int(match.group("year")) if match.group("year") else _latest_year(month, published)
        try:
            add(match, date(year, month, int(match.group("day"))), "")
        except ValueError:
            continue
    for match in MONTH_SPAN.finditer(sentence):  # whole months: a quarter's three are the quarter
        if not (match.group("open") or match.group("join") in "-–"):
            continue
        first, last = MONTHS[match.group("month").lower()], MONTHS[match.group("month2").lower()]
        year = int(match.group("year")) if match.group("year") else _latest_year(last, published)
        whole = last % 3 == 0 and first == last - 2
        add(match, month_end(year, last), f"{year}-Q{last // 3}" if whole else "")
    for match in DAY.finditer(sentence):
        if not free(match):
            continue
        try:
            if match.group("iso"):
                day = date.fromisoformat(match.group("iso"))
            else:
                name = (match.group("month") or match.group("month2")).lower().rstrip(".")
                number = int(match.group("day") or match.group("day2"))
                year_text = match.group("year") or match.group("year2")
                month = MONTHS[name]
                year = int(year_text) if year_text else _latest_year(month, published)
                day = date(year, month, number)
        except ValueError:
            continue
        add(match, day, _period_ending(match.group("span"), day))
    for match in QUARTER.finditer(sentence):
        if not free(match):
            continue
        quarter = int(
            match.group("q")
            or match.group("q2")
            or match.group("q3")
            or ORDINAL_QUARTER[(match.group("qword") or "").lower()]
        )
        year_text = match.group("year") or match.group("year2")
        year = int(year_text) if year_text else _latest_year(quarter * 3 - 2, published)
        if match.group("fiscal") and fiscal_year_end != 12:
            if year_text:
                end = fiscal_quarter_end(year, quarter, fiscal_year_end)
            else:  # "its fiscal fourth quarter": the latest one ended by publication
                ends = [fiscal_quarter_end(y, quarter, fiscal_year_end) for y in (published.year + 1, published.year)]
                end = next(
                    (e for e in ends if e <= published),
                    fiscal_quarter_end(published.year - 1, quarter, fiscal_year_end),
                )
            year, quarter = end.year, (end.month - 1) // 3 + 1
        else:
            end = quarter_end(year, quarter)
        add(match, end, "" if match.group("end") else f"{year}-Q{quarter}")
    for match in HALF.finditer(sentence):
        if not free(match):
            continue
        half = 1 if (match.group("word") or "").lower() == "first" or match.group("h") == "1" else 2
        year = int(match.group("year")) if match.group("year") else _latest_year(6 * half - 5, published)
        add(match, month_end(year, 6 * half), "")  # no half-year periods in the ledger: its last day
    for match in MONTH_YEAR.finditer(sentence):
        if not free(match):
            continue
        name = match.group("month")
        if NOT_A_MONTH.match(name) and not name[0].isupper():
            continue
        if name.lower() == "may" and not (
            match.group("year") or match.group("end") or MONTH_PREPOSITION.search(sentence[: match.start()])
        ):
            continue  # "may" the verb, capitalised at a sentence start ("in May" is the month)
        month = MONTHS[name.lower()]
        year = int(match.group("year")) if match.group("year") else _latest_year(month, published)
        if not match.group("year") and LAST_YEAR_AFTER.match(sentence[match.end() :]):  # "in July last year"
            year = published.year - 1
        add(match, month_end(year, month), "" if match.group("end") else f"{year}-{month:02d}")
    for match in YEAR_ONLY.finditer(sentence):
        if not free(match):
            continue
        year = int(match.group("year"))
        last_month = fiscal_year_end if match.group("fiscal") else 12
        add(match, month_end(year, last_month), "" if match.group("end") else str(year))
    for match in RELATIVE.finditer(sentence):
        if not free(match):
            continue
        named = [ref for ref in found if ref.end <= match.start() and ref.period]
        if named and not match.group(0).lower().startswith("last"):  # "in Q2, down from the prior quarter": Q1
            as_of, period = _earlier(match.group("unit").lower(), named[0], published)
            add(match, as_of, "" if match.group("end") else period)
            continue
        if match.group("unit").lower() == "month":
            last = published.replace(day=1) - timedelta(days=1)
            add(match, last, "" if match.group("end") else f"{last.year}-{last.month:02d}")
        else:
            quarter = (published.month - 1) // 3  # the previous one: 0 is the fourth of last year
            year = published.year if quarter else published.year - 1
            quarter = quarter or 4
            add(match, quarter_end(year, quarter), "" if match.group("end") else f"{year}-Q{quarter}")
    for match in WEEKEND.finditer(sentence):
        if free(match):
            add(match, published - timedelta(days=(published.weekday() + 1) % 7), "")
    for match in WEEKDAY.finditer(sentence):  # "on Monday": the latest Monday up to publication
        if free(match):
            add(
                match,
                published - timedelta(days=(published.weekday() - WEEKDAYS.index(match.group("day").lower())) % 7),
                "",
            )
    for match in FISCAL_BARE.finditer(sentence):
        if free(match):
            end = month_end(published.year, fiscal_year_end)
            add(match, end if end <= published else month_end(published.year - 1, fiscal_year_end), "")
    for match in ORDINAL_DAY.finditer(sentence):  # "on the 14th": this month's, else last month's
        if free(match):
            number = int(match.group("day"))
            month_start = published.replace(day=1)
            if number > published.day:
                month_start = (month_start - timedelta(days=1)).replace(day=1)
            try:
                add(match, month_start.replace(day=number), "")
            except ValueError:
                pass
    for match in YESTERDAY.finditer(sentence):
        if free(match):
            add(match, published - timedelta(days=1), "")
    for match in BARE_YEAR_END.finditer(sentence):  # "at year-end": the last one before publication
        if free(match):
            year = published.year if (published.month, published.day) == (12, 31) else published.year - 1
            add(match, date(year, 12, 31), "")
    for match in EARLIER.finditer(sentence):
        if not free(match):
            continue
        # the sentence's first date: "9,480 BTC at September 30, down from 9,540 BTC at the end of August and 13,011
        # BTC a year earlier" is a year before September 30
        dates = [
            ref for ref in found if ref.end <= match.start() and not WEEKDAY.fullmatch(ref.text)
        ]  # not "on Wednesday"
        base = min(dates, key=lambda ref: ref.start, default=earlier)
        add(match, *_earlier(match.group("unit").lower(), base, published))
    return _join_ranges(sorted(found, key=lambda ref: ref.start), sentence)


def _join_ranges(found: list[TimeRef], sentence: str) -> list[TimeRef]:
    """ "between March 4 and March 25, 2026" (or "from ... to ...") is one span, dated by its end; its first day
    takes the end's year when it names none."""
    joined: list[TimeRef] = []
    for ref in found:
        first = joined[-1] if joined else None
        if (
            first is not None
            and first.is_point
            and ref.is_point
            and RANGE_JOIN.match(sentence[first.end : ref.start])
            and RANGE_OPEN.search(sentence[: first.start])
        ):
            joined[-1] = TimeRef(first.start, ref.end, ref.as_of, "", sentence[first.start : ref.end])
            continue
        joined.append(ref)
    return joined


def _period_ending(span: str | None, day: date) -> str:
    """The period "the quarter to December 31, 2023" names ('' for a plain date)."""
    if not span:
        return ""
    span = span.lower()
    if span in ("quarter", "three months"):
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}" if span == "month" else str(day.year)


def _earlier(unit: str, base: TimeRef | None, published: date) -> tuple[date, str]:
    """'a month earlier' than the date named before it in the sentence (else than the publication date)."""
    anchor = base.as_of if base else published
    if unit == "week":
        return anchor - timedelta(days=7), ""
    if unit == "month":
        end = anchor.replace(day=1) - timedelta(days=1)
        return end, (f"{end.year}-{end.month:02d}" if base and base.period else "")
    if unit == "quarter":
        quarter = (anchor.month - 1) // 3 or 4
        year = anchor.year if (anchor.month - 1) // 3 else anchor.year - 1
        return quarter_end(year, quarter), (f"{year}-Q{quarter}" if base and base.period else "")
    end = date(anchor.year - 1, anchor.month, calendar.monthrange(anchor.year - 1, anchor.month)[1])
    if base and base.period:
        return end, ""
    leap_day = anchor.month == 2 and anchor.day == 29  # a year before February 29 is February 28
    return anchor.replace(year=anchor.year - 1, day=28 if leap_day else anchor.day), ""
