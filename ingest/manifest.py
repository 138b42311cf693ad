"""The manifest of ingested articles (content hash, chunk count, file, time), written atomically.

It is what makes re-ingest incremental: an article whose hash matches costs no embedding.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.files import write_atomic


@dataclass
class ManifestEntry:
    content_hash: str
    chunks: int
    path: str
    ingested_at: str
    title: str = ""
    source: str = ""
    published: str = ""
    companies: list[str] = field(default_factory=list)


class Manifest:
    def __init__(self, path: Path, signature: str) -> None:
        self.path = path
        self.signature = signature
        self.entries: dict[str, ManifestEntry] = {}
        self.stale = False  # True when chunking or model settings changed since the last ingest
        if path.exists():
            self._read()

    def _read(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            entries = {key: ManifestEntry(**value) for key, value in data["articles"].items()}
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise IngestError(f"{self.path}: manifest is unreadable ({exc}); run ingest with --rebuild") from exc
        self.stale = data.get("signature") != self.signature
        self.entries = entries

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"signature": self.signature, "articles": {k: asdict(v) for k, v in sorted(self.entries.items())}}
        write_atomic(self.path, json.dumps(payload, indent=1, ensure_ascii=False))

    def clear(self) -> None:
        self.entries = {}
        self.stale = False
        if self.path.exists():
            self.path.unlink()
