"""Adding and removing articles while serving (the ingest API, the chat's "Add articles" panel, MCP's
add_article): one writer at a time per process, through the pipeline, on the Assistant's own Chroma handle and
embedder; the search index re-reads BM25 right after, so an article added is answerable at once."""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from app.assistant import Assistant
from app.errors import IngestError
from ingest.article import Article, make_id
from ingest.clean import clean_text
from ingest.loaders import html as html_loader
from ingest.loaders import load_file
from ingest.loaders.fields import article_fields
from ingest.manifest import Manifest
from ingest.pipeline import Ingestor, IngestReport
from ingest.watch import read_urls
from ingest.web import WebReader, WebState, canonical_url, is_url


class ArticleRecord(BaseModel):
    """One article pushed as JSON. Give `text` or `html`; with neither, `url` is fetched (a page or a feed)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field("", description="Headline; for html, the page's own title when empty.")
    published: str | None = Field(None, description="Publication date, e.g. 2026-02-09.")
    source: str = Field("", description="The outlet.")
    url: str = Field("", description="The article's link; the same url posted again updates the article.")
    text: str | None = Field(None, description="The article text (plain).")
    html: str | None = Field(None, description="The article page; its main text is extracted.")
    id: str | None = Field(None, description="Article id; default: from the url, else from title, source, date.")
    authors: list[str] = Field(default_factory=list)
    companies: list[str] = Field(default_factory=list)
    tickers: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)


class ArticleOut(BaseModel):
    id: str
    title: str
    source: str
    published: str
    url: str
    companies: list[str]
    chunks: int


class Desk:
    """The write side beside an Assistant: records, files and urls in; articles out by id."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self._lock = threading.Lock()

    def ingestor(self) -> Ingestor:
        index = self.assistant.index
        return Ingestor(self.settings, embedder=index.embedder, store=index.store)

    def add_records(self, records: Iterable[ArticleRecord]) -> IngestReport:
        """Articles given as fields; a record with neither text nor html has its url fetched."""
        records = list(records)
        urls = [r.url for r in records if r.text is None and r.html is None and r.url]
        errors, articles = [], []
        state = WebState.load(self.settings.web_state_path)
        for number, record in enumerate(records, start=1):
            if record.text is None and record.html is None:
                if not record.url:
                    errors.append(f"article {number}: give text, html or a url to fetch")
                continue
            try:
                articles.append(record_article(record, f"article {number}", state))
            except IngestError as exc:
                errors.append(str(exc))
        with self._lock:
            report = self.ingestor().add(articles, errors)
            state.save()
            if urls:
                report.extend(self._read(urls))
        return self._refreshed(report)

    def add_files(self, files: Iterable[tuple[str, bytes]]) -> IngestReport:
        """Uploaded files (name, bytes), in any format `newsdesk ingest` reads; each error names the file."""
        errors: list[str] = []
        articles: list[Article] = []
        with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as folder:
            for name, data in files:
                safe = Path(name or "upload").name or "upload"
                path = Path(folder) / safe
                path.write_bytes(data)
                try:
                    found = load_file(path, self.settings, errors)
                except IngestError as exc:
                    errors.append(str(exc))
                    continue
                for article in found:
                    article.path = f"upload:{safe}"
                articles += found
            errors = [line.replace(f"{folder}/", "") for line in errors]
            with self._lock:
                report = self.ingestor().add(articles, errors)
        return self._refreshed(report)

    def add_urls(self, urls: Iterable[str]) -> IngestReport:
        """Feeds or pages fetched now (politely: one request at a time per host)."""
        urls = list(urls)
        bad = [f"{url}: not an http(s) url" for url in urls if not is_url(url)]
        with self._lock:
            report = self._read([url for url in urls if is_url(url)])
        report.errors = bad + report.errors
        report.failed = len(report.errors)
        return self._refreshed(report)

    def delete(self, article_id: str) -> IngestReport:
        with self._lock:
            report = self.ingestor().remove([article_id])
        return self._refreshed(report)

    def has(self, article_id: str) -> bool:
        return article_id in Manifest(self.settings.manifest_path, signature="").entries

    def list(self) -> list[ArticleOut]:
        """Manifest entries (newest first) with the url from the stored chunk metadata."""
        index = self.assistant.index
        index.refresh()
        urls = {c.metadata.get("article_id"): c.metadata.get("url") or "" for c in index.lexical.chunks}
        entries = Manifest(self.settings.manifest_path, signature="").entries
        listed = [
            ArticleOut(
                id=article_id,
                title=e.title,
                source=e.source,
                published=e.published,
                url=urls.get(article_id, ""),
                companies=list(e.companies),
                chunks=e.chunks,
            )
            for article_id, e in entries.items()
        ]
        listed.sort(key=lambda a: a.id)
        listed.sort(key=lambda a: a.published, reverse=True)
        return listed

    def _read(self, urls: list[str]) -> IngestReport:
        if not urls:
            return IngestReport()
        with WebReader(self.settings) as reader:
            return read_urls(urls, self.ingestor(), reader).ingest

    def _refreshed(self, report: IngestReport) -> IngestReport:
        self.assistant.index.refresh()
        return report


def record_article(record: ArticleRecord, where: str, state: WebState) -> Article:
    """An Article from pushed fields: html has its main text extracted; dates are checked as in files."""
    meta = record.model_dump(exclude={"text", "html", "id"})
    title = record.title.strip()
    if record.html is not None:
        found = html_loader.extract(record.html, where)
        page = html_loader.page_meta(found)
        meta = {**page, **{k: v for k, v in meta.items() if v not in (None, "", [])}}
        title = title or str(page.get("title") or "")
        text = html_loader.without_title(clean_text(found["text"]), title)
    else:
        text = clean_text(record.text or "")
    if not text.strip():
        raise IngestError(f"{where}: text is empty")
    if not title:
        title = text.split("\n")[0][:120]
    fields = article_fields(meta, where)
    if record.id:
        article_id = record.id
    elif is_url(fields["url"]):
        article_id = state.article_id([canonical_url(fields["url"])], title)
    else:
        article_id = make_id(title, f"{title}|{fields['source']}|{fields['published']}")
    return Article(id=article_id, title=title, text=text, path=f"api:{article_id}", **fields)
