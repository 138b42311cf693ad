"""The ingest pipeline: files → articles → chunks → embeddings → Chroma, incremental through the manifest.

Order of writes makes a killed run safe: chunks are upserted under stable ids before the article's older
chunks are removed, and the manifest records an article only after its chunks are stored, so running again
converges to the same index.
"""

from __future__ import annotations

import glob
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ingest import embedding_stamp
from ingest.article import Article
from ingest.chunk import Chunk, Chunker
from ingest.embed import Embedder
from ingest.errors import IngestError
from ingest.facts import EXTRACTOR_VERSION, extract_facts
from ingest.kept import KeptArticles
from ingest.ledger import Ledger
from ingest.lexical import LexicalIndex
from ingest.loaders import is_article_file, load_file
from ingest.manifest import Manifest, ManifestEntry
from ingest.settings import IndexSettings
from ingest.store import ChunkStore, read_generation

FLUSH_CHUNKS = 256
Progress = Callable[..., None]  # (done, total, stage): stage "preparing" (articles chunked) or "embedding" (chunks)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    removed: int = 0
    chunks_written: int = 0
    facts: int = 0  # ledger rows written (ingest/facts.py) for the articles added, updated or re-extracted
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # ids of the articles added or updated

    def to_dict(self) -> dict:
        return asdict(self)

    def extend(self, other: IngestReport) -> IngestReport:
        """This report with another run's counts and lines added (files then urls, records then fetches)."""
        for name in ("added", "updated", "unchanged", "failed", "removed", "chunks_written", "facts", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.articles += other.articles
        return self

    @property
    def ok(self) -> bool:
        return not self.errors


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files named directly, found under folders, or matched by globs; and one error per path that matched none."""
    files: list[Path] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if any(ch in str(raw) for ch in "*?["):
            matched = [Path(p) for p in sorted(glob.glob(str(path), recursive=True)) if Path(p).is_file()]
        elif path.is_dir():
            matched = sorted(p for p in path.rglob("*") if p.is_file() and is_article_file(p))
        elif path.is_file():
            matched = [path]
        else:
            errors.append(f"{raw}: no such file or folder")
            continue
        if not matched:
            errors.append(f"{raw}: no article files found")
        files.extend(p for p in matched if p not in files)
    return files, errors


NOT_FILE_ORIGINS = ("http://", "https://", "api:", "upload:")


def is_file_origin(origin: str) -> bool:
    """Whether an article's recorded origin is a file on disk (rather than a url, an API post or an upload)."""
    return bool(origin) and not origin.startswith(NOT_FILE_ORIGINS)


class Ingestor:
    """Owns one store, manifest and (lazily) one embedder; `ingest` may be called many times."""

    def __init__(self, settings: IndexSettings, embedder: Embedder | None = None, store: ChunkStore | None = None):
        self.settings = settings
        self._embedder = embedder
        self.store = store or ChunkStore(settings)
        self.manifest = Manifest(settings.manifest_path, self.signature)
        self.lexical = LexicalIndex(settings.bm25_path)
        self.ledger = Ledger(self.store)
        self.kept = KeptArticles(settings.kept_path)

    @property
    def signature(self) -> str:
        s = self.settings
        return f"{s.embedding_model}|{s.encoding}|{s.chunk_tokens}|{s.chunk_overlap}" + ("|windows" * s.embed_windows)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            self._embedder = Embedder.from_settings(s)
        return self._embedder

    def chunker(self) -> Chunker:
        s = self.settings
        e = self.embedder
        return Chunker(
            s.encoding, s.chunk_tokens, s.chunk_overlap, e.fits, s.embed_windows, e.token_count, e.max_tokens
        )

    def ingest(
        self, paths: Iterable[str | Path], prune: bool = False, rebuild: bool = False, progress: Progress | None = None
    ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        self.store.refresh()
        base = self._lexical_base()
        if rebuild:
            self.store.reset()
            self.ledger.reset()
            self.kept.clear()
            self.manifest.clear()
        files, report.errors = collect_files(paths)
        articles, loaded_files = self._load(files, report)
        read = {Path(f).resolve() for f in loaded_files}
        articles = [a for a in articles if not self._taken(a, read, report)]
        pending = self._diff(articles, report)
        self._write(pending, report, progress)
        self._reextract(articles, pending, report)
        if prune:
            self._prune(articles, loaded_files, report)
        return self._finish(report, bool(pending) or rebuild, started, base)

    def add(
        self, articles: Iterable[Article], errors: Iterable[str] = (), progress: Progress | None = None
    ) -> IngestReport:
        """Store articles that did not come from files (fetched from the web, posted to the API): new ones are
        added, changed ones replace their old chunks, unchanged ones cost nothing. `errors` are the lines of
        whatever failed before (a dead feed, a bad record); they go into the report."""
        started = time.perf_counter()
        self.reload()
        base = self._lexical_base()
        report = IngestReport(errors=list(errors))
        unique: dict[str, Article] = {}
        for article in articles:
            if not article.text.strip():
                report.errors.append(f"{article.origin}: no text after cleaning")
                continue
            if self._too_long(article, report) or self._taken(article, set(), report):
                continue
            unique[article.id] = article
        pending = self._diff(list(unique.values()), report)
        self._write(pending, report, progress)
        self._reextract([], pending, report)
        return self._finish(report, bool(pending), started, base)

    def remove(self, article_ids: Iterable[str]) -> IngestReport:
        """Delete articles by id (chunks, manifest entry, BM25); an unknown id is an error line naming it."""
        started = time.perf_counter()
        self.reload()
        base = self._lexical_base()
        report = IngestReport()
        for article_id in article_ids:
            if article_id not in self.manifest.entries:
                report.errors.append(f"article {article_id!r}: no such article in the index")
                continue
            self.store.delete_article(article_id)
            self.ledger.remove(article_id)
            self.kept.drop(article_id)
            del self.manifest.entries[article_id]
            report.removed += 1
        self.manifest.save()
        return self._finish(report, False, started, base)

    def reload(self) -> None:
        """Re-read the manifest, which another process (or another Ingestor on this index) may have rewritten
        since this one read it: a long-lived Ingestor (the server, `watch`) must not save over its entries; and
        catch the store up with that process's writes."""
        self.manifest = Manifest(self.settings.manifest_path, self.signature)
        self.store.refresh()

    def lexical_staleness(self) -> str:
        """'' when the BM25 index matches the store, else why not (see LexicalIndex.staleness)."""
        return self.lexical.staleness(read_generation(self.settings), self.store.count())

    def rebuild_lexical(self, base: tuple[int, int] | None = None) -> None:
        """BM25 brought up to the store, recording the generation it matches. With `base` (the generation and this
        store's write count when the BM25 on disk last matched the store, see _lexical_base), and when only this
        store wrote since: the rows of the articles written or removed since are marked dead and theirs as stored
        now appended (work proportional to them); otherwise, or when that does not add up to the store's count
        (another process wrote meanwhile), every chunk is read again from the store and indexed."""
        self.store.refresh()
        generation = read_generation(self.settings)
        touched = self.store.touched
        if base is not None and touched is not None and self.store.backend == "embedded":
            if generation == base[0] + self.store.writes - base[1]:
                written = self.store.chunks_of(sorted(touched))
                if self.lexical.update(touched, written, generation) and not self.lexical_staleness():
                    return
        self.lexical.build(self.store.all_chunks(), generation)

    def _lexical_base(self) -> tuple[int, int] | None:
        """Before a run's writes: the generation and this store's write count, when the BM25 on disk matches the
        store (so that the run can patch it rather than rebuild it from every chunk); None when it does not."""
        self.store.touched = set()
        generation = read_generation(self.settings)
        return None if self.lexical.staleness(generation, self.store.count()) else (generation, self.store.writes)

    def _finish(
        self, report: IngestReport, changed: bool, started: float, base: tuple[int, int] | None = None
    ) -> IngestReport:
        if changed or report.removed or self.lexical_staleness():
            self.rebuild_lexical(base)
        report.failed = len(report.errors)
        report.seconds = time.perf_counter() - started
        return report

    def _load(self, files: list[Path], report: IngestReport) -> tuple[list[Article], set[str]]:
        articles: dict[str, Article] = {}
        loaded: set[str] = set()
        for path in files:
            try:
                found = load_file(path, self.settings, report.errors)
            except IngestError as exc:
                report.errors.append(str(exc))
                continue
            loaded.add(str(path))
            for article in found:
                if self._too_long(article, report):
                    continue
                if article.id in articles:
                    other = articles[article.id].path
                    report.errors.append(f"{path}: article id {article.id!r} is already used by {other}")
                    continue
                articles[article.id] = article
        return list(articles.values()), loaded

    def _taken(self, article: Article, read: set[Path], report: IngestReport) -> bool:
        """The article's id is stored for another file, still on disk and not read this run (where the two would
        meet as a duplicate): one line naming both, and the stored article is left as it is. A file that was
        moved or deleted hands its id on; a url or API article may be posted again to update it."""
        entry = self.manifest.entries.get(article.id)
        if entry is None or not is_file_origin(entry.path) or not Path(entry.path).is_file():
            return False
        owner = Path(entry.path).resolve()
        if owner in read or (is_file_origin(article.path) and Path(article.path).resolve() == owner):
            return False
        report.errors.append(
            f"{article.origin}: article id {article.id!r} belongs to {entry.path}; give this article its own id "
            "(the stored one was not replaced)"
        )
        return True

    def _too_long(self, article: Article, report: IngestReport) -> bool:
        """An article over max_article_chars is refused with one line naming it: a story that long (a whole
        filing, a dump of many stories as one) would hold the ingest for minutes (about 2,100 passages per million
        characters; 1 MB took 60 s to ingest on 2 cores) and crowd every search."""
        limit = self.settings.max_article_chars
        if len(article.text) <= limit:
            return False
        report.errors.append(
            f"{article.origin}: article {article.id!r} has {len(article.text):,} characters of text, over max_article_chars "
            f"({limit:,}; NEWSDESK_MAX_ARTICLE_CHARS): split it into its stories or raise the limit"
        )
        return True

    def _diff(self, articles: list[Article], report: IngestReport) -> list[Article]:
        pending = []
        for article in articles:
            entry = self.manifest.entries.get(article.id)
            if entry and not self.manifest.stale and entry.content_hash == article.content_hash():
                report.unchanged += 1
                if entry.path != article.path:
                    entry.path = article.path
                continue
            pending.append(article)
            report.articles.append(article.id)
            if entry:
                report.updated += 1
            else:
                report.added += 1
        return pending

    def _write(self, pending: list[Article], report: IngestReport, progress: Progress | None) -> None:
        if not pending:
            self.manifest.save()
            return
        embedding_stamp.claim(self.store.collection, self.embedder, self.store.location)
        chunker = self.chunker()
        chunked = []
        for done, article in enumerate(pending, start=1):
            chunked.append((article, chunker.chunk(article)))
            # the facts before the chunks and manifest entry: a killed run redoes both
            report.facts += self.ledger.replace(article.id, extract_facts(article))
            if progress:
                progress(done, len(pending), "preparing")
        total = sum(len(chunks) for _, chunks in chunked)
        batch: list[tuple[Article, list[Chunk]]] = []
        for item in chunked:
            batch.append(item)
            if sum(len(chunks) for _, chunks in batch) >= FLUSH_CHUNKS:
                self._flush(batch, report, progress, total)
                batch = []
        if batch:
            self._flush(batch, report, progress, total)
        self.manifest.stale = False
        self.manifest.save()

    def _flush(self, batch: list[tuple[Article, list[Chunk]]], report: IngestReport, progress, total: int) -> None:
        texts = [text for _, chunks in batch for chunk in chunks for text in chunk.embed_windows]
        vectors = self.embedder.embed(texts)
        start = 0
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for article, chunks in batch:
            windows = sum(len(chunk.embed_windows) for chunk in chunks)
            self.store.upsert(article, chunks, vectors[start : start + windows])
            start += windows
            if not is_file_origin(article.path):
                self.kept.keep(article)
            self.manifest.entries[article.id] = ManifestEntry(
                content_hash=article.content_hash(),
                chunks=len(chunks),
                path=article.path,
                ingested_at=now,
                title=article.title,
                source=article.source,
                published=article.published_iso,
                companies=article.companies,
            )
        self.manifest.save()
        report.chunks_written += sum(len(chunks) for _, chunks in batch)
        if progress:
            progress(report.chunks_written, total, "embedding")

    def _reextract(self, articles: list[Article], written: list[Article], report: IngestReport) -> None:
        """When the ledger's rows came from another extractor version (or none: an index older than the ledger),
        the facts of every stored article are extracted again (no re-embedding), then the version is recorded:
        those loaded this run, those of the other files still on disk (read again), and those that came from no
        file (their kept copies, ingest/kept.py). An article whose file has changed since it was stored, or
        that has no copy (stored before copies were kept), keeps its rows until it is ingested again."""
        if self.ledger.extractor_version == EXTRACTOR_VERSION:
            return
        done = {article.id for article in written}
        loaded = {article.id: article for article in articles}
        others = [(i, e) for i, e in self.manifest.entries.items() if i not in loaded and i not in done]
        paths = sorted({e.path for _, e in others if is_file_origin(e.path) and Path(e.path).is_file()})
        if paths:
            reread, _ = self._load([Path(p) for p in paths], IngestReport())
            loaded.update((a.id, a) for a in reread if a.id not in loaded)
        for article_id, entry in self.manifest.entries.items():
            if article_id in done:
                continue
            article = loaded.get(article_id) or (None if is_file_origin(entry.path) else self.kept.get(article_id))
            if article is not None and article.content_hash() == entry.content_hash:
                report.facts += self.ledger.replace(article_id, extract_facts(article))
        self.ledger.mark_version(EXTRACTOR_VERSION)

    def _prune(self, articles: list[Article], loaded_files: set[str], report: IngestReport) -> None:
        """Removes articles whose file is gone, or whose file was read this run and no longer holds them. Articles
        that came from no file (a url, the API) are left alone."""
        seen = {article.id for article in articles}
        for article_id, entry in list(self.manifest.entries.items()):
            if not is_file_origin(entry.path):
                continue
            gone = not Path(entry.path).exists()
            dropped = entry.path in loaded_files and article_id not in seen
            if gone or dropped:
                self.store.delete_article(article_id)
                self.ledger.remove(article_id)
                del self.manifest.entries[article_id]
                report.removed += 1
        self.manifest.save()
