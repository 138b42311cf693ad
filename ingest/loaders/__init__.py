"""Loaders, one module per format, chosen by file suffix. Each returns a list of Articles with cleaned text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.article import Article
from ingest.errors import IngestError
from ingest.loaders import feed, html, jsonrecords, markdown, text
from ingest.settings import IndexSettings

Loader = Callable[[Path, IndexSettings], list[Article]]

LOADERS: dict[str, Loader] = {
    ".md": markdown.load,
    ".markdown": markdown.load,
    ".txt": text.load,
    ".html": html.load,
    ".htm": html.load,
    ".json": jsonrecords.load,
    ".jsonl": jsonrecords.load,
    ".rss": feed.load,
    ".atom": feed.load,
    ".xml": feed.load,
}
SIDECAR_SUFFIX = ".meta.yml"
NOT_ARTICLES = ("README", "SOURCES", "LICENSE", "CHANGELOG")


def is_article_file(path: Path) -> bool:
    """Whether a file found in a folder is an article (docs such as README.md or SOURCES.md are not)."""
    return (
        path.suffix.lower() in LOADERS
        and not path.name.endswith(SIDECAR_SUFFIX)
        and not path.name.upper().startswith(NOT_ARTICLES)
        and not path.name.startswith(".")
    )


def load_file(path: Path, settings: IndexSettings) -> list[Article]:
    """All articles in one file; raises IngestError naming the file when it cannot be used."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(f"{path}: unsupported file type {path.suffix!r} (use one of {', '.join(LOADERS)})")
    articles = loader(path, settings)
    if not articles:
        raise IngestError(f"{path}: no articles found")
    for article in articles:
        if not article.text.strip():
            raise IngestError(f"{path}: article {article.id!r} has no text after cleaning")
        article.path = str(path)
    return articles
