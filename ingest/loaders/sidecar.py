"""Optional metadata beside a file that cannot carry its own (a raw .txt or .html): NAME.meta.yml."""

from __future__ import annotations

from pathlib import Path

import yaml

from ingest.errors import IngestError


def read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.stem + ".meta.yml")
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestError(f"{sidecar}: malformed YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict):
        raise IngestError(f"{sidecar}: expected a mapping of metadata fields")
    return data
