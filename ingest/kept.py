"""Articles that came from no file (fetched from a url, posted to the API, uploaded) kept as they were stored, one
JSON file each under `<home>/<collection>.articles/`, so that what re-reads a file's articles can re-read them
too: a new extractor version re-extracts their ledger facts without their being posted again."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from pathlib import Path

from ingest.article import Article, parse_date
from ingest.files import write_atomic

log = logging.getLogger(__name__)


class KeptArticles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, article_id: str) -> Path:
        return self.folder / f"{hashlib.sha1(article_id.encode()).hexdigest()[:20]}.json"

    def keep(self, article: Article) -> None:
        """Written whole (a temporary file renamed over the old one): a crash leaves the old copy or the new."""
        self.folder.mkdir(parents=True, exist_ok=True)
        record = asdict(article) | {"published": article.published.isoformat() if article.published else None}
        write_atomic(self._path(article.id), json.dumps(record, ensure_ascii=False, default=str))

    def get(self, article_id: str) -> Article | None:
        """The kept article, or None when none was kept (stored before this existed) or its copy is unreadable."""
        path = self._path(article_id)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            record["published"] = parse_date(record["published"]) if record.get("published") else None
            return Article(**record)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            log.warning(
                "%s: kept copy of article %r is unreadable (%s); it keeps its ledger rows", path, article_id, exc
            )
            return None

    def drop(self, article_id: str) -> None:
        self._path(article_id).unlink(missing_ok=True)

    def clear(self) -> None:
        for path in self.folder.glob("*.json"):
            path.unlink(missing_ok=True)
