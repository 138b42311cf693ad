"""A real HTTP server on loopback for the feed and page tests: it serves what a test puts in `routes` (feeds,
pages, broken and slow answers), honours If-None-Match / If-Modified-Since, and records every request it saw."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.helpers import free_port


@dataclass
class Route:
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    etag: str = ""
    last_modified: str = ""
    chunked: bool = False  # no Content-Length: the size is known only by reading


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    started: float
    ended: float = 0.0


class WebServer:
    """ThreadingHTTPServer in a daemon thread; `url(path)` for its addresses."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self.port = free_port()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def publish(self, path: str, body: str, content_type: str = "application/rss+xml", etag: str = "") -> None:
        """A feed (or page) with validators: a new ETag and a later Last-Modified each time it is published."""
        self._published = max(time.time(), getattr(self, "_published", 0.0) + 1.0)
        stamp = formatdate(self._published, usegmt=True)
        self.routes[path] = Route(body, content_type, etag=etag or f'"v{self._published:.0f}"', last_modified=stamp)

    def __enter__(self) -> WebServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with server._lock:
                    server.seen.append(seen)
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                try:
                    self.answer(server.routes.get(self.path), seen.headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    seen.ended = time.monotonic()
                    with server._lock:
                        server.in_flight -= 1

            def answer(self, route: Route | None, headers: dict[str, str]) -> None:
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if route.delay:
                    time.sleep(route.delay)
                if "if-none-match" in headers:  # it takes precedence over If-Modified-Since (RFC 9110 13.2.2)
                    fresh = bool(route.etag) and headers["if-none-match"] == route.etag
                else:
                    fresh = bool(route.last_modified) and headers.get("if-modified-since") == route.last_modified
                if fresh:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = route.body.encode() if isinstance(route.body, str) else route.body
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                if route.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for start in range(0, len(body), 8192):
                        piece = body[start : start + 8192]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def rss(title: str, items: list[dict]) -> str:
    """An RSS 2.0 feed; each item has title, link, guid, date (RFC 822) and either content (full) or summary."""
    parts = []
    for item in items:
        body = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>"
            if item.get("content")
            else f"<description>{item.get('summary', '')}</description>"
        )
        parts.append(
            f"<item><title>{item['title']}</title><link>{item['link']}</link>"
            f'<guid isPermaLink="false">{item["guid"]}</guid><pubDate>{item["date"]}</pubDate>{body}</item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>http://example.test/</link><description>test</description>"
        f"{''.join(parts)}</channel></rss>"
    )


def page(title: str, paragraphs: list[str], canonical: str = "", date: str = "") -> str:
    """An article page with furniture around the story (nav, footer), a canonical link and a date."""
    head = f"<title>{title}</title>"
    if canonical:
        head += f'<link rel="canonical" href="{canonical}">'
    if date:
        head += f'<meta property="article:published_time" content="{date}">'
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{head}</head><body><nav><a href='/'>Home</a> <a href='/x'>Markets</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Subscribe to our newsletter. (c) Test Wire</footer>"
        "</body></html>"
    )
