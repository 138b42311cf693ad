"""JSON and JSON Lines records (a list, {"articles": [...]}, one object, or one object a line).

Field names are configurable in settings (json_text_fields, json_title_fields, ...), so files such as the
MultiHop-RAG corpus ({title, body, published_at, source, url, author, category}) load as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.article import Article, make_id, published_date
from ingest.clean import clean_text
from ingest.errors import IngestError
from ingest.loaders.fields import article_fields, first
from ingest.read import read_text
from ingest.settings import IndexSettings

LIST_KEYS = ("articles", "items", "data", "records", "documents")


def load(path: Path, settings: IndexSettings) -> list[Article | IngestError]:
    """The file's articles; a record that is not one comes back as its IngestError, so the others still load."""
    raw = read_text(path, settings.max_file_bytes)
    records = _jsonl_records(path, raw) if path.suffix.lower() == ".jsonl" else _json_records(path, raw)
    loaded: list[Article | IngestError] = []
    for index, record in enumerate(records):
        try:
            loaded.append(_article(path, index, record, settings))
        except IngestError as exc:
            loaded.append(exc)
    return loaded


def _json_records(path: Path, raw: str) -> list[dict]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})") from exc
    if isinstance(data, dict):
        data = next((data[key] for key in LIST_KEYS if isinstance(data.get(key), list)), [data])
    if not isinstance(data, list):
        raise IngestError(f"{path}: expected a list of article objects")
    return data


def _jsonl_records(path: Path, raw: str) -> list[dict]:
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise IngestError(f"{path}: malformed JSON on line {number} ({exc.msg})") from exc
    return records


def _article(path: Path, index: int, record: object, settings: IndexSettings) -> Article:
    where = f"{path}: record {index + 1}"
    if not isinstance(record, dict):
        raise IngestError(f"{where} is not an object")
    text = first(record, settings.json_text_fields)
    if not isinstance(text, str) or not text.strip():
        raise IngestError(f"{where} has no text (looked for fields {', '.join(settings.json_text_fields)})")
    title = str(first(record, settings.json_title_fields) or "").strip()
    record_id = first(record, settings.json_id_fields)
    fields = article_fields({k: v for k, v in record.items() if k not in settings.json_text_fields}, where)
    fields["published"] = fields["published"] or published_date(first(record, settings.json_date_fields), where)
    return Article(
        id=str(record_id) if record_id else make_id(title or text[:60], f"{title}|{fields['url']}|{text[:200]}"),
        title=title or text.strip().split("\n")[0][:120],
        text=clean_text(text),
        **fields,
    )
