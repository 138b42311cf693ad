"""Filters (date range, source, company) and the time frame a question names ('in January 2026', 'latest')."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

from app.errors import QuestionError

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
# a target, plan or expectation asked for a period ('capacity it was aiming for by Q3 2025', 'expected for 2026')
AHEAD = re.compile(
    r"\b(?:aim(?:s|ed|ing)?|target(?:s|ed|ing)?|expect(?:s|ed|ing)?|plan(?:s|ned|ning)?|goal|forecast(?:s|ed)?|"
    r"project(?:s|ed|ing)|guid(?:ance|ed|ing)|on track)\b(?![^?]*\b(?:actual(?:ly)?|really)\b)",
    re.I,
)
# 'now / latest' in the ways people say it: the newest report answers
RECENT = re.compile(
    r"\b(latest|newest|most recent|recently|current(ly)?|now|nowadays|today|still|so far|to date|these days|lately|"
    r"at the moment|at this point|right now|as of now|rn|as we speak|anymore|any more|(have|has|is|are) left|remains?|"
    r"end(s|ed)? up|ultimately|eventually|in the end)\b",
    re.I,
)
# 'originally / at first / when it first announced': the earliest report answers, not a later revision
ORIGINAL = re.compile(
    r"\b(original(ly)?|initial(ly)?|at first|to begin with|(when|before) (?:[\w'’-]+ ){1,4}?first|"
    r"first (announced|signed|struck|unveiled|did|agreed|reported|disclosed|announcement|report|dropped|came out|"
    r"launched|landed|broke)|"
    r"before the (expansion|upsize|upgrade|amendment))\b",
    re.I,
)
YEAR_WORD = r"(\d{4}|['’]\d{2}\b)"  # 2026, or '26 as people type it
MONTH_YEAR = re.compile(rf"\b({MONTH_WORDS})\.?(?:\s+of)?(?:\s+{YEAR_WORD})?(?!\w)", re.I)
MONTH_RANGE = re.compile(
    rf"\b(?:between\s+|from\s+)?({MONTH_WORDS})\.?(?:\s+(\d{{4}}))?\s*(?:-|–|to|and|through|until)\s*"
    rf"({MONTH_WORDS})\.?(?:\s+(\d{{4}}))?\b",
    re.I,
)
QUARTER = re.compile(rf"\b(?:Q([1-4])|(first|second|third|fourth) quarter)(?:\s+(?:of\s+)?{YEAR_WORD})?(?!\w)", re.I)
YEAR = re.compile(
    r"\b(?:(?:in|during|for|of|since|year[- ]end)\s+|(?:end|mid|early|late)[- ])"
    r"(?:(?:calendar|fiscal|full[- ]year)\s+)?((?:19|20)\d{2})\b",
    re.I,
)  # 'at year end 2025', 'end-2025', 'mid-2025': of 2025
# 'end of sept 25', 'q4 25': a month's end or a quarter takes no day, so the two digits after it are its year
SHORT_YEAR = re.compile(
    rf"\b((?:end|start|beginning|close|middle) of\s+(?:{MONTH_WORDS})\.?|Q[1-4])\s+(\d{{2}})\b(?![\d,/:-])", re.I
)
RELATIVE = re.compile(r"\b(last|past|this|previous)\s+(week|month|quarter|year)\b", re.I)
TIME_PATTERNS = (MONTH_RANGE, QUARTER, MONTH_YEAR, YEAR, RELATIVE)  # most specific first
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
ORDINAL_NAMES = {n: word for word, n in ORDINALS.items()}
AMBIGUOUS = {"may", "march", "mar", "jan", "dec"}  # also ordinary words unless capitalized or with a year
GRACE_BEFORE = timedelta(days=7)
GRACE_AFTER = timedelta(
    days=75
)  # figures for a month or year are often reported weeks later (annual reports ~10 weeks)


# the desk's shorthand for periods: 'YE25' is year-end 2025, '3Q25' the third quarter of 2025, 'last qtr' the last
# quarter; 'sept 25 -> ye25' runs from one to the other
FISCAL_YEAR = re.compile(
    r"\b(?:in\s+|for\s+)?(?:FY|fiscal\s+year)\s?['’]?((?:20)?\d{2})\b", re.I
)  # 'FY25', 'fiscal year 2025'
YEAR_END = re.compile(r"\b(?:ye|eoy)\s?['’]?((?:20)?\d{2})\b", re.I)
QUARTER_FIRST = re.compile(r"\b([1-4])q\s?['’]?((?:20)?\d{2})\b", re.I)
# 'dec 25', 'jan 26': a short month name and a number that is a year of the beat sooner than a day ('aug 14' is a
# day, and so are 'as of oct 24', 'on dec 25' and 'December 25', spelled out)
MONTH_SHORT_YEAR = re.compile(
    r"(?<!\bon )(?<!\bas of )\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?\s+(2[4-9])\b"
    r"(?![\d,/:-]|\s*(?:st|nd|rd|th)\b)",
    re.I,
)
# a spreadsheet's 'Q4'25', 'Q1/26', 'Q1-26', 'jan'26', 'feb '26', 'mar-26': the period, then its year's two digits
QUARTER_MARKED_YEAR = re.compile(r"\b(Q[1-4])\s*['’/-]\s*(\d{2})\b(?![\d,/:-])", re.I)
MONTH_MARKED_YEAR = re.compile(
    rf"\b({MONTH_WORDS})\.?\s*['’]\s*(\d{{2}})\b|\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)-(2[4-9])\b(?![\d,/:-])",
    re.I,
)
TIME_SHORT = re.compile(r"\b(qtr|yr|mo|mth)(s?)\b", re.I)
TIME_WORDS = {"qtr": "quarter", "yr": "year", "mo": "month", "mth": "month"}
ARROW = re.compile(r"\s*(?:->|→|=>)\s*")


def full_years(text: str) -> str:
    """Two-digit years written out where nothing else can be meant, and the desk's shorthand for periods spelled
    out: 'end of sept 25' → 'end of sept 2025', 'q4 25' → 'q4 2025', 'YE25' → 'year-end 2025', '3Q25' →
    'Q3 2025', 'riot btc sold dec 25' → 'dec 2025', 'Q4'25' → 'Q4 2025', 'jan'26' → 'jan 2026', 'FY25' → 'in
    fiscal 2025', 'last qtr' → 'last quarter', 'sept 25 -> ye25' → '... to ...'."""
    text = QUARTER_MARKED_YEAR.sub(_with_year, text)
    text = MONTH_MARKED_YEAR.sub(lambda m: f"{m.group(1) or m.group(3)} {_century(m.group(2) or m.group(4))}", text)
    text = SHORT_YEAR.sub(_with_year, text)
    text = FISCAL_YEAR.sub(lambda m: f"in fiscal {_century(m.group(1))}", text)
    text = YEAR_END.sub(lambda m: f"year-end {_century(m.group(1))}", text)
    text = QUARTER_FIRST.sub(lambda m: f"Q{m.group(1)} {_century(m.group(2))}", text)
    text = MONTH_SHORT_YEAR.sub(_with_year, text)
    text = TIME_SHORT.sub(lambda m: TIME_WORDS[m.group(1).lower()] + m.group(2), text)
    return ARROW.sub(" to ", text)


def _century(year: str) -> str:
    return year if len(year) == 4 else f"20{year}"


def _with_year(match: re.Match) -> str:
    """A period and the two digits after it, the year written out: 'q4 25' → 'q4 2025'."""
    return f"{match.group(1)} {_century(match.group(2))}"


class Filters(BaseModel):
    """Hard filters set by the user; every retrieved passage satisfies all of them."""

    model_config = ConfigDict(extra="forbid")

    since: date | None = None
    until: date | None = None
    source: str | None = None
    company: str | None = None

    @model_validator(mode="after")
    def _check_range(self) -> Filters:
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until}); no article can match")
        return self

    @classmethod
    def parse(cls, value: Filters | dict | None) -> Filters:
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        if not isinstance(value, dict):
            raise QuestionError("filters must be an object with since, until, source and/or company")
        try:
            return cls(**value)
        except ValueError as exc:
            first = exc.errors()[0] if hasattr(exc, "errors") else {"loc": (), "msg": str(exc)}
            where = ".".join(str(p) for p in first.get("loc", ())) or "filters"
            message = first["msg"].removeprefix("Value error, ")
            raise QuestionError(f"filters.{where}: {message}".replace("filters.filters", "filters")) from exc

    def since_ts(self) -> int | None:
        return (
            int(datetime(self.since.year, self.since.month, self.since.day, tzinfo=UTC).timestamp())
            if self.since
            else None
        )

    def until_ts(self) -> int | None:
        if not self.until:
            return None
        return int(datetime(self.until.year, self.until.month, self.until.day, 23, 59, 59, tzinfo=UTC).timestamp())

    def is_empty(self) -> bool:
        return not (self.since or self.until or self.source or self.company)

    def chroma_where(self) -> dict | None:
        clauses: list[dict] = []
        if self.since:
            clauses.append({"published_ts": {"$gte": self.since_ts()}})
        if self.until:
            clauses.append({"published_ts": {"$lte": self.until_ts()}})
        if self.source:
            clauses.append({"source": self.source})
        if self.company:
            clauses.append({"companies": {"$contains": self.company}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, meta: dict) -> bool:
        ts = meta.get("published_ts") or 0
        if self.since and ts < self.since_ts():
            return False
        if self.until and ts > self.until_ts():
            return False
        if self.source and meta.get("source", "").lower() != self.source.lower():
            return False
        return not (self.company and self.company not in (meta.get("companies") or []))

    def narrowed(self, frame: TimeFrame | None) -> Filters:
        """These filters with a question's time window added (the user's own bounds win). A target asked for the
        period ('what was HIVE aiming for by Q3 2025') may be told long before it: the window opens at the start."""
        if frame is None or frame.start is None:
            return self
        since = max(filter(None, [self.since, None if frame.ahead else frame.start - GRACE_BEFORE]), default=None)
        until = min(filter(None, [self.until, frame.end + GRACE_AFTER]))
        return self.model_copy(update={"since": since, "until": until})


@dataclass
class TimeFrame:
    """What a question says about time: a period (start..end), a preference for recent news, and its words."""

    start: date | None = None
    end: date | None = None
    prefer_recent: bool = False
    prefer_earliest: bool = False  # 'originally', 'when it first announced': the first report, not a revision
    ahead: bool = False  # 'what was it aiming for by Q3 2025': a target set for the period, told before it
    words: tuple[str, ...] = ()
    text: str = ""

    def named_in(self, text: str) -> bool:
        """The text names this period: all its words ("September", "2025"; "Q3" also as "third quarter"), or the
        question's own phrase for it. True when the question names no period."""
        if not self.words:
            return True
        lowered = text.lower().replace("-", " ")
        short = [w.lower() for w in self.words]
        quarter = re.fullmatch(r"q([1-4])", short[0])
        spelled = [f"{ORDINAL_NAMES[int(quarter.group(1))]} quarter", *short[1:]] if quarter else short
        return all(w in lowered for w in short) or all(w in lowered for w in spelled) or self.text.lower() in lowered


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


# 'at first vs after the expansion': both ends asked, each side its own
BOTH_ENDS = re.compile(r"\b(vs\.?|versus|compared|after|later|since|now|latest|expan\w*|grew|grow)\b", re.I)


def parse_time_frame(question: str, newest: date | None) -> TimeFrame:
    """The period a question names, anchored on the newest article date for years it leaves out."""
    anchor = newest or datetime.now(UTC).date()
    earliest = bool(ORIGINAL.search(question)) and not BOTH_ENDS.search(question)
    frame = TimeFrame(
        prefer_recent=bool(RECENT.search(question)) and not earliest,
        prefer_earliest=earliest,
        ahead=bool(AHEAD.search(question)),
    )
    quarter = QUARTER.search(question)
    months = MONTH_RANGE.search(question)
    month = MONTH_YEAR.search(question)
    year = YEAR.search(question)
    relative = RELATIVE.search(question)
    if months and (months.group(2) or months.group(4) or months.group(1)[0].isupper()):
        first, last = MONTHS[months.group(1).lower()], MONTHS[months.group(3).lower()]
        end_year = int(months.group(4) or months.group(2) or _year_of(last, anchor))
        start_year = int(months.group(2) or (end_year if first <= last else end_year - 1))
        frame.start, frame.end = month_range(start_year, first)[0], month_range(end_year, last)[1]
        frame.text = months.group(0).strip()
        frame.words = (calendar.month_name[last], str(end_year))  # reports on a period name its last month
        if start_year == end_year and first % 3 == 1 and last == first + 2:  # 'jan-mar 2026' is Q1 2026
            frame.words = (f"Q{last // 3}", str(end_year))
    elif quarter:
        q = int(quarter.group(1) or ORDINALS[quarter.group(2).lower()])
        y = full_year(quarter.group(3)) if quarter.group(3) else _year_of(3 * q - 2, anchor)
        frame.start, frame.end = date(y, 3 * q - 2, 1), month_range(y, 3 * q)[1]
        frame.text = quarter.group(0)
        frame.words = (f"Q{q}", str(y))
    elif month and (month.group(2) or not _plain_word(month)):
        number = MONTHS[month.group(1).lower()]
        y = full_year(month.group(2)) if month.group(2) else _year_of(number, anchor)
        frame.start, frame.end = month_range(y, number)
        frame.text = month.group(0)
        frame.words = (calendar.month_name[number], str(y))
    elif year:
        y = int(year.group(1))
        frame.start, frame.end = date(y, 1, 1), date(y, 12, 31)
        frame.text = year.group(0)
        frame.words = (str(y),)
    elif relative:
        span = {"week": 7, "month": 31, "quarter": 92, "year": 366}[relative.group(2).lower()]
        frame.start, frame.end = anchor - timedelta(days=span), anchor
        frame.text = relative.group(0)
        frame.prefer_recent = True
    return frame


def full_year(text: str) -> int:
    """'2026' or "'26" as a year."""
    digits = text.lstrip("'’")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


MONTH_BEFORE = re.compile(
    r"\b(?:in|the|of|since|by|during|until|till|before|after|from|through|thru|last|early|late|mid|end|between)"
    r"[\s-]+$",
    re.I,
)  # 'the march btc sale', 'in may', 'mid-march': a month, not the verb


def _plain_word(match: re.Match) -> bool:
    """'may' or 'march' used as an ordinary word: lower case, no year, no second month, not after a word that
    takes a month ('they may sell' is plain, 'the march sale' is a month)."""
    text = match.group(0).strip()
    if text.lower() not in AMBIGUOUS or text[0].isupper():
        return False
    start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
    return not MONTH_BEFORE.search(match.string[max(0, start - 12) : start])


def _year_of(month: int, anchor: date) -> int:
    """The year of a month named without one: the latest such month up to the anchor date."""
    return anchor.year if month <= anchor.month else anchor.year - 1


def strip_time_words(question: str) -> str:
    """The question without its time expressions (used to carry a subject into a follow-up)."""
    for pattern in TIME_PATTERNS:
        question = pattern.sub(lambda m: m.group(0) if _plain_word(m) else " ", question)
    question = re.sub(r"\b(in|during|at the end of|as of|for)\s+(?=[?.!]|$)", " ", question)
    return re.sub(r"\s+", " ", question).strip()
