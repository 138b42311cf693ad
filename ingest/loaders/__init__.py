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


def load_file(path: Path, settings: IndexSettings, errors: list[str] | None = None) -> list[Article]:
    """All articles in one file; raises IngestError naming the file when it cannot be used. A loader of a
    multi-record file (JSON) returns a bad record as an IngestError among its articles: with `errors` given,
    the good records load and each bad one is one line there; without it, the first bad record fails the file."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(f"{path}: unsupported file type {path.suffix!r} (use one of {', '.join(LOADERS)})")
    loaded = loader(path, settings)
    bad = [item for item in loaded if isinstance(item, IngestError)]
    articles = [item for item in loaded if not isinstance(item, IngestError)]
    if bad and (errors is None or not articles):
        raise bad[0]
    if errors is not None:
        errors.extend(str(item) for item in bad)
    if not articles:
        raise IngestError(f"{path}: no articles found")
    for article in articles:
        if not article.text.strip():
            raise IngestError(f"{path}: article {article.id!r} has no text after cleaning")
        article.path = str(path)
    return articles
