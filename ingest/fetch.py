"""Fetching feeds and pages over HTTP (httpx): a User-Agent naming newsdesk, one request at a time per host with
a delay between two, conditional GET (ETag / Last-Modified), a time bound on the whole response and a size
limit. Every failure is one IngestError naming the url."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from ingest.errors import IngestError
from ingest.settings import FetchConfig

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml", "application/rdf+xml")
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK_BYTES = 65536
FEED_START = re.compile(
    rb"(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<\?xml-stylesheet[^>]*\?>\s*)?<(?:rss|feed|rdf:rdf)\b", re.S
)


@dataclass
class Fetched:
    """One response: the final url (after redirects), its body and the validators for the next conditional GET."""

    url: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def kind(self) -> str:
        """'feed', 'html' or '' (anything else). A body that opens as RSS/Atom is a feed whatever the
        Content-Type says (servers often send feeds as text/html); otherwise the Content-Type decides, and the
        first bytes when it says nothing useful (text/plain, application/octet-stream)."""
        head = self.content[:1024].lstrip().lower()
        if FEED_START.match(head):
            return "feed"
        if self.content_type in FEED_TYPES or self.content_type.endswith(("+xml", "/xml")):
            return "feed"
        if self.content_type in HTML_TYPES:
            return "html"
        if self.content_type and not self.content_type.startswith(("text/plain", "application/octet-stream")):
            return ""
        return "html" if head.startswith((b"<!doctype html", b"<html")) else ""


class HostGate:
    """One request at a time per host, and at least `delay` seconds between the end of one and the next."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    def hold(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def wait(self, host: str) -> None:
        """Called with the host's lock held: sleeps out the rest of the delay since the host's last request."""
        last = self._last.get(host)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)

    def done(self, host: str) -> None:
        self._last[host] = time.monotonic()


class Fetcher:
    """A polite HTTP client for feeds and article pages; safe to share between threads."""

    def __init__(self, config: FetchConfig | None = None) -> None:
        self.config = config or FetchConfig()
        self.gate = HostGate(self.config.host_delay_s)
        self.client = httpx.Client(
            headers={"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.config.timeout_s),
            follow_redirects=True,
            max_redirects=self.config.max_redirects,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(self, url: str, etag: str = "", last_modified: str = "", accept: str = "") -> Fetched:
        """GET `url`; a 304 comes back as Fetched(status=304) with no body; every other failure (dead host,
        HTTP error, redirect loop, slow or oversized response) raises IngestError naming the url."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise IngestError(f"{url}: not an http(s) url")
        headers = {"Accept": accept} if accept else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = parts.netloc.lower()
        with self.gate.hold(host):
            self.gate.wait(host)
            try:
                return self._get(url, headers)
            finally:
                self.gate.done(host)

    def _get(self, url: str, headers: dict[str, str]) -> Fetched:
        limit, seconds = self.config.max_bytes, self.config.timeout_s
        deadline = time.monotonic() + seconds
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                final = str(response.url)
                if response.status_code == 304:
                    return Fetched(final, 304, etag=response.headers.get("etag", ""))
                if response.status_code >= 400:
                    moved = f" (redirected to {final})" if final != url else ""
                    raise IngestError(f"{url}: HTTP {response.status_code} {response.reason_phrase}{moved}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise IngestError(f"{url}: too large ({int(declared):,} bytes; the limit is {limit:,})")
                body = bytearray()
                for piece in response.iter_bytes(CHUNK_BYTES):
                    body += piece
                    if len(body) > limit:
                        raise IngestError(f"{url}: too large (over {limit:,} bytes, the limit)")
                    if time.monotonic() > deadline:
                        raise IngestError(f"{url}: too slow (no full response within {seconds:g} s)")
                return Fetched(
                    url=final,
                    status=response.status_code,
                    content=bytes(body),
                    content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                    etag=response.headers.get("etag", ""),
                    last_modified=response.headers.get("last-modified", ""),
                )
        except httpx.TooManyRedirects as exc:
            raise IngestError(f"{url}: too many redirects (a redirect loop?)") from exc
        except httpx.TimeoutException as exc:
            raise IngestError(f"{url}: too slow (no answer within {seconds:g} s)") from exc
        except httpx.ConnectError as exc:
            raise IngestError(f"{url}: cannot connect ({_reason(exc)})") from exc
        except httpx.HTTPError as exc:
            raise IngestError(f"{url}: request failed ({_reason(exc)})") from exc


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
