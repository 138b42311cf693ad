"""HTML news pages: trafilatura finds the main text, title, date, author and site; furniture is dropped."""

from __future__ import annotations

from pathlib import Path

import trafilatura

from ingest.article import Article, parse_date, path_id
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.loaders.fields import article_fields
from ingest.loaders.sidecar import read_sidecar
from ingest.read import read_text
from ingest.settings import IndexSettings


def load(path: Path, settings: IndexSettings) -> list[Article]:
    found = extract(read_text(path, settings.max_file_bytes), str(path))
    meta = {**page_meta(found), **read_sidecar(path)}
    return [page_article(found["text"], meta, str(meta.get("id") or path_id(path)), str(path), path.stem)]


def extract(page: str, where: str) -> dict:
    """trafilatura's reading of a page: its main text and metadata (title, sitename, url, date, author...);
    IngestError naming `where` when the page has no markup or no article text."""
    if "<" not in page:
        raise IngestError(f"{where}: not an HTML page (no markup found)")
    document = trafilatura.bare_extraction(
        page, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True
    )
    found = document.as_dict() if document is not None and hasattr(document, "as_dict") else (document or {})
    if not (found.get("text") or "").strip():
        raise IngestError(f"{where}: no article text found in the HTML")
    return found


def page_article(text: str, meta: dict, article_id: str, where: str, fallback_title: str) -> Article:
    """An Article from a page's extracted text and its metadata (the page's own, overridden by a sidecar's or a
    feed entry's)."""
    fields = article_fields(meta, where)
    title = str(meta.get("title") or fallback_title)
    return Article(id=article_id, title=title, text=without_title(clean_text(text), title), **fields)


def without_title(text: str, title: str) -> str:
    """The text without a first line that repeats the title (the page's h1): the title is every chunk's header
    already, and a heading with no full stop would run into the first sentence."""
    first, _, rest = text.partition("\n")
    return rest.lstrip() if first.strip().lower() == title.strip().lower() and rest.strip() else text


def page_meta(found: dict) -> dict:
    return {
        "title": found.get("title"),
        "source": found.get("sitename") or found.get("hostname"),
        "url": found.get("url"),
        "author": found.get("author"),
        "published": parse_date(found.get("date")),
        "categories": found.get("categories"),
    }
