"""Turning a loose mapping of metadata (front matter, sidecar, JSON record) into Article fields."""

from __future__ import annotations

from ingest.article import as_list, published_date


def first(meta: dict, names: list[str] | tuple[str, ...]) -> object:
    for name in names:
        if meta.get(name) not in (None, "", []):
            return meta[name]
    return None


def article_fields(meta: dict, where: str = "metadata") -> dict:
    """Common metadata fields by their usual names; absent ones are empty. `where` names the file (and record)
    in the error for a publication date that is not one."""
    known = {
        "id",
        "title",
        "published",
        "date",
        "published_at",
        "source",
        "url",
        "link",
        "author",
        "authors",
        "companies",
        "tickers",
        "topics",
        "body",
        "text",
        "content",
    }
    return {
        "source": str(first(meta, ["source", "outlet", "site"]) or ""),
        "url": str(first(meta, ["url", "link", "canonical"]) or ""),
        "authors": as_list(first(meta, ["authors", "author", "byline"])),
        "companies": as_list(meta.get("companies")),
        "tickers": as_list(meta.get("tickers")),
        "topics": as_list(first(meta, ["topics", "category", "categories"])),
        "published": published_date(first(meta, ["published", "published_at", "date", "pubDate"]), where),
        "extra": {k: v for k, v in meta.items() if k not in known and not k.startswith("_") and _scalar(v)},
    }


def _scalar(value: object) -> bool:
    return isinstance(value, (str, int, float, bool))
