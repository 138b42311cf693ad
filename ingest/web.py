"""Articles from the web: a url is a feed (RSS/Atom, one article per entry) or an article page (trafilatura).

A feed entry that carries only a summary has its page fetched and extracted; the entry's own title, date,
outlet and link stay the article's metadata. The same story seen twice (same guid, link or canonical url) is
one article: `WebState` remembers, in the data dir, which article id each of those keys became, and each
feed's ETag / Last-Modified for the next conditional GET.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ingest.article import Article, make_id
from ingest.errors import IngestError
from ingest.fetch import Fetched, Fetcher
from ingest.files import write_atomic
from ingest.loaders import feed, html
from ingest.settings import IndexSettings

TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def is_url(value: str) -> bool:
    return str(value).startswith(("http://", "https://"))


def canonical_url(url: str) -> str:
    """The url as a key: no fragment, no tracking parameters, lower-case scheme and host, no trailing slash."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(TRACKING_PARAMS)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


@dataclass
class FeedState:
    """What the last successful fetch of a feed said, for the next conditional GET."""

    etag: str = ""
    last_modified: str = ""
    checked_at: str = ""
    last_error: str = ""


@dataclass
class WebState:
    """The data dir's memory of the web: feed validators, and the article id each guid / url key became."""

    path: Path
    feeds: dict[str, FeedState] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> WebState:
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            feeds = {url: FeedState(**value) for url, value in data.get("feeds", {}).items()}
            return cls(path, feeds, dict(data.get("keys", {})))
        except (json.JSONDecodeError, TypeError, AttributeError) as exc:
            raise IngestError(f"{path}: unreadable ({exc}); delete it to forget the feeds' state") from exc

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"feeds": {url: asdict(state) for url, state in sorted(self.feeds.items())}, "keys": self.keys}
        write_atomic(self.path, json.dumps(payload, indent=1, ensure_ascii=False))

    def article_id(self, keys: list[str], title: str) -> str:
        """The id an article with these keys already has, or a new one from the first key; every key is then
        recorded as that id's, so a later sighting under any of them is the same article."""
        keys = [key for key in keys if key]
        known = next((self.keys[key] for key in keys if key in self.keys), None)
        article_id = known or make_id(title or keys[0], keys[0])
        for key in keys:
            self.keys[key] = article_id
        return article_id

    def feed(self, url: str) -> FeedState:
        return self.feeds.setdefault(url, FeedState())


@dataclass
class WebResult:
    """What one url gave: its articles, one line per failure, and the response (None when it failed)."""

    url: str
    articles: list[Article] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    fetched: Fetched | None = None
    kind: str = ""  # feed, page, or "" when it failed

    @property
    def not_modified(self) -> bool:
        return self.fetched is not None and self.fetched.not_modified


class WebReader:
    """Turns urls into Articles with one Fetcher (polite per host) and the data dir's WebState."""

    def __init__(self, settings: IndexSettings, fetcher: Fetcher | None = None, state: WebState | None = None):
        self.settings = settings
        self.fetcher = fetcher or Fetcher(settings.fetch)
        self.state = state or WebState.load(settings.web_state_path)

    def __enter__(self) -> WebReader:
        return self

    def __exit__(self, *exc) -> None:
        self.fetcher.close()

    def read(self, url: str, conditional: bool = False) -> WebResult:
        """The articles at `url`; with `conditional`, a feed not modified since the last read gives none. Never
        raises for a bad url or response: each failure is a line in `errors` naming the url."""
        result = WebResult(url)
        known = self.state.feeds.get(url) if conditional else None
        try:
            fetched = self.fetcher.get(
                url,
                etag=known.etag if known else "",
                last_modified=known.last_modified if known else "",
                accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.8, */*;q=0.1",
            )
            result.fetched = fetched
            if fetched.not_modified:
                result.kind = "feed"
                return result
            if fetched.kind == "feed":
                result.kind = "feed"
                self._feed(url, fetched, result)
            elif fetched.kind == "html":
                result.kind = "page"
                result.articles.append(self._page(url, fetched))
            else:
                kind = fetched.content_type or "unknown content type"
                raise IngestError(f"{url}: not a feed or an HTML page ({kind})")
        except IngestError as exc:
            result.errors.append(str(exc))
        return result

    def remember(self, result: WebResult) -> None:
        """After the result's articles are stored: its feed's validators (only when every entry was read, so a
        failed one is fetched again next time), and the url keys. Saves the state file."""
        fetched = result.fetched
        if result.kind == "feed" and fetched is not None:
            state = self.state.feed(result.url)
            state.checked_at = datetime.now(UTC).isoformat(timespec="seconds")
            state.last_error = "; ".join(result.errors)
            if not result.errors and not fetched.not_modified:
                state.etag, state.last_modified = fetched.etag, fetched.last_modified
            elif result.errors:
                state.etag = state.last_modified = ""
        self.state.save()

    def _feed(self, url: str, fetched: Fetched, result: WebResult) -> None:
        outlet, entries = feed.parse(fetched.content, url)
        for entry in entries:
            try:
                result.articles.append(self._entry(url, entry, outlet))
            except IngestError as exc:
                result.errors.append(str(exc))

    def _entry(self, feed_url: str, entry: dict, outlet: str) -> Article:
        article = feed.entry_article(entry, outlet)
        text, full = feed.entry_text(entry)
        link = entry.get("link", "")
        keys = [f"guid:{entry['id']}" if entry.get("id") else "", canonical_url(link) if is_url(link) else ""]
        if not full and len(text) < self.settings.fetch.summary_chars and is_url(link):
            page = self.fetcher.get(link, accept="text/html, application/xhtml+xml;q=0.9")
            if page.kind != "html":
                raise IngestError(f"{link}: not an HTML page ({page.content_type or 'unknown content type'})")
            found = html.extract(_decode(page), link)
            article.text = html.without_title(found["text"], article.title)
            keys.append(canonical_url(found.get("url") or page.url))
            article.authors = article.authors or ([found["author"]] if found.get("author") else [])
            article.published = article.published or html.page_meta(found)["published"]
        if not any(keys):
            keys = [f"feed:{feed_url}|{article.title}"]
        article.id = self.state.article_id(keys, article.title)
        article.extra = {**article.extra, "feed_url": feed_url}
        article.path = link if is_url(link) else feed_url
        if not article.text.strip():
            raise IngestError(f"{link or feed_url}: entry {article.title!r} has no text")
        return article

    def _page(self, url: str, fetched: Fetched) -> Article:
        found = html.extract(_decode(fetched), url)
        meta = html.page_meta(found)
        meta["url"] = found.get("url") if is_url(found.get("url") or "") else fetched.url
        keys = [canonical_url(meta["url"]), canonical_url(fetched.url), canonical_url(url)]
        article_id = self.state.article_id(list(dict.fromkeys(keys)), str(meta.get("title") or ""))
        article = html.page_article(found["text"], meta, article_id, url, urlsplit(fetched.url).path or url)
        article.path = meta["url"]
        return article


def _decode(fetched: Fetched) -> str:
    """A page's bytes as text: UTF-8 unless that fails, then Latin-1 (which never does)."""
    try:
        return fetched.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return fetched.content.decode("latin-1")
