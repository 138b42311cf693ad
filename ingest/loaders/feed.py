"""RSS and Atom feeds: one Article per entry, categories read as company names."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from xml.sax import SAXException

import feedparser
import trafilatura

from ingest.article import Article, make_id
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.read import read_bytes
from ingest.settings import IndexSettings


def load(path: Path, settings: IndexSettings) -> list[Article]:
    outlet, entries = parse(read_bytes(path, settings.max_file_bytes), str(path))
    return [entry_article(entry, outlet) for entry in entries]


def parse(data: bytes, where: str) -> tuple[str, list[dict]]:
    """The feed's title and its entries (feedparser's); IngestError naming `where` for XML that is not a feed."""
    parsed = feedparser.parse(data)
    problem = parsed.get("bozo_exception")
    if parsed.bozo and (not parsed.entries or isinstance(problem, SAXException)):
        reason = str(problem or "not a feed").splitlines()[0]
        raise IngestError(f"{where}: malformed feed XML ({reason})")
    if not parsed.entries:
        raise IngestError(f"{where}: feed has no entries")
    return parsed.feed.get("title", ""), parsed.entries


def entry_text(entry: dict) -> tuple[str, bool]:
    """The entry's text, and whether it is the full content (content:encoded, Atom content) rather than a summary."""
    content = entry.get("content", [{}])[0].get("value") or ""
    html = content or entry.get("summary", "")
    text = trafilatura.extract(f"<html><body><article>{html}</article></body></html>") if "<" in html else html
    return clean_text(text or ""), bool(content)


def entry_article(entry: dict, outlet: str) -> Article:
    text, _ = entry_text(entry)
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    title = entry.get("title", "").strip()
    link = entry.get("link", "")
    author = entry.get("author", "")
    return Article(
        id=make_id(title or link, entry.get("id") or link or title),
        title=title,
        text=text,
        published=datetime(*when[:6], tzinfo=UTC) if when else None,
        source=entry.get("source", {}).get("title") or outlet,
        url=link,
        authors=[author] if author else [],
        companies=[tag["term"] for tag in entry.get("tags", []) if tag.get("term")],
        extra={"feed": outlet},
    )
