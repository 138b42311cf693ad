"""Following feeds: each poll fetches every feed with a conditional GET, stores new and changed entries through
the pipeline, and remembers the validators; `newsdesk watch` polls every N minutes.

A feed that fails (dead host, 404, malformed XML, an entry page that cannot be read) is one line naming the url;
the other feeds and entries are still stored, nothing stored is removed, and the next poll fetches it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.errors import IngestError, NewsdeskError
from ingest.pipeline import Ingestor, IngestReport
from ingest.web import WebReader, WebResult, is_url


@dataclass
class FeedPoll:
    """One feed in one poll: what came back and how many entries it held."""

    url: str
    status: str  # "fetched", "not modified" or "failed"
    entries: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class PollReport:
    feeds: list[FeedPoll]
    ingest: IngestReport

    @property
    def ok(self) -> bool:
        return self.ingest.ok


def read_urls(urls: Iterable[str], ingestor: Ingestor, reader: WebReader, conditional: bool = False) -> PollReport:
    """Fetch each url (a feed or a page), store what they hold in one pipeline run, then remember each feed's
    validators. Failures are lines in the report, never exceptions."""
    results: list[WebResult] = [reader.read(url, conditional=conditional) for url in dict.fromkeys(urls)]
    errors = [line for result in results for line in result.errors]
    report = ingestor.add([a for result in results for a in result.articles], errors)
    for result in results:
        reader.remember(result)
    polls = [
        FeedPoll(
            url=result.url,
            status="failed" if result.fetched is None else "not modified" if result.not_modified else "fetched",
            entries=len(result.articles),
            errors=result.errors,
        )
        for result in results
    ]
    return PollReport(polls, report)


def load_feed_list(path: Path) -> list[str]:
    """Feed urls from a YAML file: `feeds: [url, ...]` (each also as {url: ...}) or a bare list."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path}: malformed YAML ({str(exc).splitlines()[0]})") from exc
    items = data.get("feeds") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise IngestError(f"{path}: expected `feeds:` with a list of feed urls")
    urls = []
    for number, item in enumerate(items, start=1):
        url = item.get("url") if isinstance(item, dict) else item
        if not isinstance(url, str) or not is_url(url):
            raise IngestError(f"{path}: feed {number} ({item!r}) is not an http(s) url")
        urls.append(url)
    return urls


def watch(
    feeds: list[str],
    ingestor: Ingestor,
    reader: WebReader,
    every_minutes: float,
    once: bool = False,
    on_poll: Callable[[PollReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PollReport:
    """Poll the feeds (conditional GET) now, then every `every_minutes` until interrupted, or only once. When
    polling on, a poll that fails whole (the store is down) is reported and the next one tries again."""
    while True:
        try:
            report = read_urls(feeds, ingestor, reader, conditional=True)
        except NewsdeskError as exc:
            if once:
                raise
            report = PollReport([], IngestReport(failed=1, errors=[str(exc)]))
        if on_poll:
            on_poll(report)
        if once:
            return report
        sleep(every_minutes * 60)
