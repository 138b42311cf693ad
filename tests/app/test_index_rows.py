"""A searching process that catches up with ingests (an article changed, one removed, two added) reads only the
new BM25 segments, and holds the arrays, vectors and entities that every live passage's metadata, text and stored
vector give, as does a process that loads the index afresh."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from app.retrieval import rows as rows_module
from app.retrieval.entities import Entities
from app.retrieval.rows import rows_by_value
from app.retrieval.search import SearchIndex, newest_date
from app.settings import Settings
from ingest.loaders import load_file
from ingest.pipeline import Ingestor
from tests.helpers import CORPUS

pytestmark = pytest.mark.slow  # real ingests into Chroma


def test_catching_up_with_ingests_equals_loading_afresh(tmp_path, embedder, monkeypatch):
    settings = Settings(home=tmp_path / "home")
    ingestor = Ingestor(settings, embedder=embedder)
    files = sorted((CORPUS / "articles").glob("*.md"))[:14]
    assert ingestor.ingest(files[:12]).ok
    live = SearchIndex(settings, embedder=embedder)
    assert live.view.vectors is not None  # a small embedded index: exact dense search in memory

    story = load_file(files[0], settings, [])[0]
    changed = dataclasses.replace(story, text=story.text + " Quorvane Mining sold 77 BTC in a new week.")
    assert ingestor.add([changed]).updated == 1
    assert ingestor.remove([load_file(files[1], settings, [])[0].id]).ok
    assert ingestor.ingest(files[12:14]).added == 2
    derived = []
    original = rows_module.SegmentRows.of
    monkeypatch.setattr(rows_module.SegmentRows, "of", lambda chunks: derived.append(len(chunks)) or original(chunks))
    live.refresh()
    monkeypatch.undo()
    assert len(derived) == 2  # the two segments written since (the changed article, the two added): nothing else
    assert any(part.keep is not None for part in live.lexical.parts)  # the first segment has dead rows

    fresh = SearchIndex(settings, embedder=embedder)
    chunks = fresh.lexical.chunks
    metas = [c.metadata for c in chunks]
    expected = {  # from every live passage's metadata, as search derived them before segments
        "published_ts": [m["published_ts"] for m in metas],
        "sources": [m["source"].lower() for m in metas],
        "days": [m["published"][:10] for m in metas],
        "company_rows": {k: v.tolist() for k, v in rows_by_value(m.get("companies") for m in metas).items()},
        "article_rows": {k: v.tolist() for k, v in rows_by_value([m["article_id"]] for m in metas).items()},
    }
    stored = fresh.store.embeddings([c.id for c in chunks])
    vectors = np.stack([stored[c.id] for c in chunks])
    for index in (live, fresh):
        view = index.view
        assert [c.id for c in index.lexical.chunks] == [c.id for c in chunks]
        for name, value in expected.items():
            found = getattr(view, name)
            found = {k: v.tolist() for k, v in found.items()} if isinstance(found, dict) else found.tolist()
            assert found == value, name
        assert np.array_equal(view.vectors, vectors)
        scanned = Entities.from_metadata(metas, [c.document for c in chunks])
        for name in ("alias_to_name", "words", "plain_words", "idf", "outlets"):
            assert getattr(view.entities, name) == getattr(scanned, name), name
        assert index.newest == newest_date(m["published"] for m in metas)
    assert "quorvane" in live.view.entities.words and story.id in live.view.article_rows
