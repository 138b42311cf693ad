"""Markdown articles with YAML front matter (title, published, source, url, companies, tickers, topics)."""

from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import yaml

from ingest.article import Article, find_date_in_text, path_id
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.loaders.fields import article_fields
from ingest.read import read_text
from ingest.settings import IndexSettings

HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)


def load(path: Path, settings: IndexSettings) -> list[Article]:
    raw = read_text(path, settings.max_file_bytes)
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        raise IngestError(f"{path}: malformed YAML front matter ({str(exc).splitlines()[0]})") from exc
    if not isinstance(post.metadata, dict):
        raise IngestError(f"{path}: front matter must be a mapping of fields")
    body = post.content
    title = str(post.metadata.get("title") or "")
    heading = HEADING.search(body)
    if not title and heading:
        title = heading.group(1).strip()
    if heading and heading.group(1).strip() == title:
        body = body.replace(heading.group(0), "", 1)
    fields = article_fields(post.metadata, str(path))
    fields["published"] = fields["published"] or find_date_in_text(body)
    return [
        Article(
            id=str(post.metadata.get("id") or path_id(path)),
            title=title or path.stem,
            text=clean_text(body),
            **fields,
        )
    ]
