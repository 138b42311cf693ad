"""Plain-text articles: the first line is the title (or, for a single paragraph, its first sentence), the
publication date is found in the text."""

from __future__ import annotations

from pathlib import Path

from ingest.article import DATE_IN_TEXT, Article, find_date_in_text, path_id
from ingest.clean import clean_text
from ingest.loaders.fields import article_fields
from ingest.loaders.sidecar import read_sidecar
from ingest.read import read_text
from ingest.settings import IndexSettings
from ingest.text import split_sentences


def load(path: Path, settings: IndexSettings) -> list[Article]:
    lines = read_text(path, settings.max_file_bytes).strip().splitlines()
    title, body_lines = lines[0].strip(), lines[1:]
    # A line that is only a date is metadata, not story.
    body_lines = [line for line in body_lines if DATE_IN_TEXT.fullmatch(line.strip()) is None]
    body = "\n".join(body_lines)
    if not body.strip():  # one paragraph and nothing else: it is the story, and its first sentence the title
        body = lines[0]
        title = split_sentences(body)[0][:160]
    meta = read_sidecar(path)
    fields = article_fields(meta, str(path))
    fields["published"] = fields["published"] or find_date_in_text("\n".join(lines[:5])) or find_date_in_text(body)
    return [
        Article(
            id=str(meta.get("id") or path_id(path)),
            title=str(meta.get("title") or title),
            text=clean_text(body),
            **fields,
        )
    ]
