"""The Article record every loader returns, and the helpers loaders share to fill it."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dateutil import parser as dateparser

from ingest.errors import IngestError

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
DATE_IN_TEXT = re.compile(
    rf"\b(?:(?:{MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} (?:{MONTHS})\.? \d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)


@dataclass
class Article:
    """One news article, whatever file it came from."""

    id: str
    title: str
    text: str
    published: datetime | None
    source: str = ""
    url: str = ""
    authors: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    tickers: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    path: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def origin(self) -> str:
        """Where the article came from, for an error line: its file, else its url, else its id."""
        return self.path or self.url or self.id

    @property
    def published_iso(self) -> str:
        return self.published.date().isoformat() if self.published else ""

    @property
    def published_ts(self) -> int:
        return int(self.published.timestamp()) if self.published else 0

    def content_hash(self) -> str:
        """Hash of everything that ends up in the index, so any change re-ingests the article."""
        payload = asdict(self)
        payload.pop("path")
        payload["published"] = self.published.isoformat() if self.published else None
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def slugify(text: str, limit: int = 60) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "article"


def make_id(title: str, key: str) -> str:
    """A stable id for a record that carries none: a readable slug plus a short hash of its key."""
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return f"{slugify(title, 48)}-{digest}"


def parse_date(value: object) -> datetime | None:
    """Any date-ish value (datetime, date, ISO or prose string) as an aware UTC datetime, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = dateparser.parse(str(value).strip())
        except (ValueError, OverflowError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


FUTURE_GRACE = timedelta(days=1)  # time zones: an article dated tomorrow somewhere is not from the future
YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")


def published_date(value: object, where: str) -> datetime | None:
    """A publication date given as metadata: absent is None; a value that is not a full date ('tomorrow',
    'Tuesday') or lies in the future is an IngestError naming `where`, rather than no date or the day of ingest
    (a 2099 date would anchor 'last month' on 2099)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and not YEAR_IN.search(value):
        raise IngestError(f"{where}: published {value!r} is not a date (write it like 2026-02-09)")
    moment = parse_date(value)
    if moment is None:
        raise IngestError(f"{where}: published {value!r} is not a date (write it like 2026-02-09)")
    if moment > datetime.now(UTC) + FUTURE_GRACE:
        raise IngestError(f"{where}: published {moment.date().isoformat()} is in the future")
    return moment


def find_date_in_text(text: str) -> datetime | None:
    """The first publication-looking date in prose, e.g. 'February 9, 2026'."""
    match = DATE_IN_TEXT.search(text)
    return parse_date(match.group(0)) if match else None


def as_list(value: object) -> list[str]:
    """A front-matter or JSON value (None, string, comma list, list) as a list of strings."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(item).strip() for item in value if str(item).strip()]
    return [str(value)]


def path_id(path: Path) -> str:
    return slugify(path.stem, 80)
