"""Feeds and pages from a real HTTP server on loopback: conditional GET, politeness, summary-only entries read
from their page, one article per guid or canonical url, and each broken answer one line naming its url.
The reading tests need no model; those that store articles (and `newsdesk watch`) are slow."""

from __future__ import annotations

import json
import re
import threading
from itertools import pairwise

import pytest
from typer.testing import CliRunner

from app.settings import Settings
from ingest.fetch import Fetcher
from ingest.settings import FetchConfig
from ingest.web import WebReader, WebState, canonical_url
from tests.helpers import free_port
from tests.web_server import Route, WebServer, page, rss

STORY = [
    "Arctic Hash Corp. mined 412 BTC in October 2025, up from 388 BTC in September, the company said on Monday.",
    "The miner held 6,120 BTC at the end of the month and sold none of its production.",
    "Its fleet reached 31.4 EH/s after 9,000 new machines were energised at its Quebec site.",
]
FAST = FetchConfig(timeout_s=1.0, host_delay_s=0.0, max_bytes=200_000)


def item(n: int, **fields) -> dict:
    return {
        "title": f"Story {n}",
        "link": f"http://example.test/{n}",
        "guid": f"story-{n}",
        "date": f"Mon, 0{n} Dec 2025 10:00:00 GMT",
        **fields,
    }


@pytest.fixture
def web():
    with WebServer() as server:
        yield server


@pytest.fixture
def reader(tmp_path):
    settings = Settings(home=tmp_path / "home", fetch=FAST)
    with WebReader(settings) as reader:
        yield reader


# reading: no model -------------------------------------------------------------------------------------------
def test_summary_only_entry_is_read_from_its_page_and_keeps_the_entry_metadata(web, reader):
    web.routes["/story/2"] = Route(page("A different page title", STORY, date="2025-11-30"))
    full = item(1, content="<p>" + " ".join(STORY) + " " + "More detail. " * 120 + "</p>")
    short = item(2, link=web.url("/story/2"), summary="Arctic Hash mined 412 BTC.")
    web.publish("/feed.xml", rss("Test Wire", [full, short]))

    result = reader.read(web.url("/feed.xml"))

    assert result.errors == [] and result.kind == "feed"
    first, second = result.articles
    assert "More detail." in first.text and web.requests_to("/story/1") == []  # full content: no page fetched
    assert "6,120 BTC" in second.text and "newsletter" not in second.text and "Markets" not in second.text
    assert second.title == "Story 2" and second.source == "Test Wire"
    assert second.url == web.url("/story/2") and second.published.date().isoformat() == "2025-12-02"


def test_conditional_get_sends_the_validators_and_a_304_gives_nothing(web, reader):
    web.publish("/feed.xml", rss("Test Wire", [item(1, content="<p>" + " ".join(STORY) * 5 + "</p>")]))
    first = reader.read(web.url("/feed.xml"), conditional=True)
    reader.remember(first)
    again = reader.read(web.url("/feed.xml"), conditional=True)

    assert len(first.articles) == 1 and again.not_modified and again.articles == []
    sent = web.requests_to("/feed.xml")[1].headers
    assert sent["if-none-match"] == web.routes["/feed.xml"].etag
    assert sent["if-modified-since"] == web.routes["/feed.xml"].last_modified
    saved = json.loads(reader.state.path.read_text())["feeds"][web.url("/feed.xml")]
    assert saved["etag"] == web.routes["/feed.xml"].etag


def test_a_feed_sent_as_text_html_is_still_a_feed(web, reader):
    web.routes["/rss"] = Route(rss("Test Wire", [item(1, content="<p>" + " ".join(STORY) * 5 + "</p>")]), "text/html")
    result = reader.read(web.url("/rss"))
    assert result.kind == "feed" and [a.title for a in result.articles] == ["Story 1"]


def test_user_agent_names_newsdesk_and_one_request_at_a_time_per_host(web):
    for n in range(6):
        web.routes[f"/p{n}"] = Route(page(f"Page {n}", STORY), delay=0.05)
    fetcher = Fetcher(FetchConfig(timeout_s=5, host_delay_s=0.1))
    threads = [threading.Thread(target=fetcher.get, args=(web.url(f"/p{n}"),)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    fetcher.close()

    assert len(web.seen) == 6 and web.most_in_flight == 1
    assert all("newsdesk" in seen.headers["user-agent"] for seen in web.seen)
    order = sorted(web.seen, key=lambda s: s.started)
    assert all(later.started - earlier.ended >= 0.09 for earlier, later in pairwise(order))


def test_same_guid_or_canonical_url_is_one_article(web, reader):
    canonical = web.url("/news/arctic-hash-october")
    web.routes["/news/arctic-hash-october"] = Route(page("Arctic Hash October", STORY, canonical=canonical))
    web.routes["/amp/arctic?utm_source=feed"] = Route(page("Arctic Hash October", STORY, canonical=canonical))
    page_id = reader.read(web.url("/news/arctic-hash-october")).articles[0].id
    entry = item(1, link=web.url("/amp/arctic?utm_source=feed"), summary="Short.")
    web.publish("/feed.xml", rss("Test Wire", [entry]))
    via_feed = reader.read(web.url("/feed.xml")).articles[0]
    renamed = item(1, title="Story 1, corrected", link="http://elsewhere.test/x", summary="Now the full text " * 90)
    web.publish("/feed.xml", rss("Test Wire", [renamed]))
    retitled = reader.read(web.url("/feed.xml")).articles[0]

    assert via_feed.id == page_id == retitled.id
    assert canonical_url("HTTP://Example.TEST/a/?utm_medium=x&id=3#top") == "http://example.test/a?id=3"
    assert WebState.load(reader.state.path).keys == {}  # nothing saved until remember()


BROKEN = {
    "/missing": (None, "HTTP 404"),
    "/loop": (Route(status=302, headers={"Location": "/loop"}), "too many redirects"),
    "/image.png": (
        Route(b"\x89PNG\r\n" + b"0" * 100, content_type="image/png"),
        "not a feed or an HTML page (image/png)",
    ),
    "/huge": (Route("<html><body>" + "x" * 300_000, content_type="text/html"), "too large"),
    "/huge-chunked": (Route("<html><body>" + "x" * 300_000, content_type="text/html", chunked=True), "too large"),
    "/slow": (Route(page("Slow", STORY), delay=2.5), "too slow"),
    "/bad.xml": (Route("<rss><channel><title>x</title><item><title>a</title", "application/rss+xml"), "malformed"),
    "/empty.xml": (
        Route('<?xml version="1.0"?><rss><channel><title>x</title></channel></rss>', "text/xml"),
        "no entries",
    ),
}


@pytest.mark.parametrize("path", list(BROKEN))
def test_a_broken_url_is_one_line_naming_it(web, reader, path):
    route, reason = BROKEN[path]
    if route is not None:
        web.routes[path] = route
    result = reader.read(web.url(path))
    assert result.articles == [] and len(result.errors) == 1
    line = result.errors[0]
    assert line.startswith(web.url(path)) and reason in line and "\n" not in line


def test_a_dead_host_is_one_line_naming_it(reader):
    url = f"http://127.0.0.1:{free_port()}/feed.xml"
    result = reader.read(url)
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{url}: cannot connect")


def test_broken_entry_pages_fail_alone_and_the_feed_is_fetched_whole_next_time(web, reader):
    web.routes["/ok"] = Route(page("Fine", STORY))
    web.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    web.routes["/pdf"] = Route(b"%PDF-1.4", content_type="application/pdf")
    entries = [item(1, link=web.url("/ok"), summary="s"), item(2, link=web.url("/gone"), summary="s")]
    entries += [item(3, link=web.url("/loop"), summary="s"), item(4, link=web.url("/pdf"), summary="s")]
    web.publish("/feed.xml", rss("Test Wire", entries))

    result = reader.read(web.url("/feed.xml"), conditional=True)
    reader.remember(result)
    again = reader.read(web.url("/feed.xml"), conditional=True)

    assert [a.title for a in result.articles] == ["Story 1"]
    assert [line.split(": ")[0] for line in result.errors] == [web.url(p) for p in ("/gone", "/loop", "/pdf")]
    assert "if-none-match" not in web.requests_to("/feed.xml")[1].headers and not again.not_modified


# storing: the model and an index -----------------------------------------------------------------------------
def invoke(*args: str) -> tuple[int, str, str]:
    from app.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
def test_watch_once_then_a_changed_feed_adds_one_and_replaces_one(web, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_FETCH__HOST_DELAY_S", "0")
    home = str(tmp_path / "home")
    web.routes["/story/2"] = Route(page("Arctic Hash hashrate", STORY))
    one = item(1, content="<p>Northern Block sold 150 BTC in November to fund its expansion in Texas.</p>" * 3)
    two = item(2, link=web.url("/story/2"), summary="Arctic Hash mined 412 BTC.")
    web.publish("/feed.xml", rss("Test Wire", [one, two]))

    code, out, err = invoke("watch", "--once", "--feed", web.url("/feed.xml"), "--home", home, "--json")
    first = json.loads(out.splitlines()[-1])
    assert code == 0, err
    assert (first["ingest"]["added"], first["ingest"]["updated"]) == (2, 0)

    changed = item(1, content="<p>Northern Block sold 175 BTC in November, it said in a correction.</p>" * 3)
    three = item(3, content="<p>Pine Ridge Mining raised $40 million to buy new machines.</p>" * 3)
    web.publish("/feed.xml", rss("Test Wire", [changed, two, three]))
    code, out, err = invoke("watch", "--once", "--feed", web.url("/feed.xml"), "--home", home, "--json")
    second = json.loads(out.splitlines()[-1])
    assert code == 0, err
    ingest = second["ingest"]
    assert (ingest["added"], ingest["updated"], ingest["unchanged"], ingest["failed"]) == (1, 1, 1, 0)
    sent = web.requests_to("/feed.xml")[1].headers
    assert "if-none-match" in sent and "if-modified-since" in sent

    code, out, _ = invoke("watch", "--once", "--feed", web.url("/feed.xml"), "--home", home, "--json")
    third = json.loads(out.splitlines()[-1])
    assert code == 0 and third["feeds"][0]["status"] == "not modified" and third["ingest"]["added"] == 0

    from app.assistant import Assistant

    assistant = Assistant(Settings(home=tmp_path / "home"))
    passages = assistant.search("How much bitcoin did Northern Block sell in November?", k=3)
    assert "175 BTC" in passages[0].text and not any("150 BTC" in p.text for p in passages)
    arctic = next(p for p in assistant.search("Arctic Hash hashrate Quebec", k=3) if "EH/s" in p.text)
    assert arctic.title == "Story 2" and arctic.source == "Test Wire" and arctic.url == web.url("/story/2")
    assert arctic.published == "2025-12-02"


@pytest.mark.slow
def test_ingest_urls_keeps_what_is_stored_when_feeds_break(web, tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSDESK_FETCH__HOST_DELAY_S", "0")
    monkeypatch.setenv("NEWSDESK_FETCH__TIMEOUT_S", "1")
    home = str(tmp_path / "home")
    web.routes["/story"] = Route(page("Arctic Hash October", STORY))
    code, _, err = invoke("ingest", web.url("/story"), "--home", home, "--json")
    assert code == 0, err

    web.routes["/slow.xml"] = Route(rss("Slow", [item(5, content="<p>x</p>")]), "application/rss+xml", delay=2.5)
    web.routes["/bad.xml"] = Route("<rss><channel><item><title>a</title", "application/rss+xml")
    web.publish("/feed.xml", rss("Test Wire", [item(6, content="<p>Pine Ridge Mining raised $40 million.</p>" * 4)]))
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    urls = [web.url("/slow.xml"), web.url("/bad.xml"), dead, web.url("/missing"), web.url("/feed.xml")]
    code, out, err = invoke("ingest", *urls, "--home", home, "--json")

    report = json.loads(out)
    assert code == 1 and (report["added"], report["failed"]) == (1, 4)
    failed = [line for line in err.splitlines() if line.startswith("failed:")]
    assert [line.split()[1].rstrip(":") for line in failed] == urls[:4]
    code, out, _ = invoke("stats", "--home", home, "--json")
    assert json.loads(out)["articles"] == 2  # the page stored before is still there


def test_feed_list_file_and_its_errors_name_the_file(tmp_path):
    from ingest.errors import IngestError
    from ingest.watch import load_feed_list

    good = tmp_path / "feeds.yml"
    good.write_text("feeds:\n  - https://a.test/feed\n  - url: http://b.test/rss\n")
    assert load_feed_list(good) == ["https://a.test/feed", "http://b.test/rss"]
    for name, text, reason in [
        ("empty.yml", "", "expected `feeds:`"),
        ("bad.yml", "feeds: [unclosed", "malformed YAML"),
        ("ftp.yml", "feeds:\n  - ftp://c.test/x\n", "feed 1 ('ftp://c.test/x') is not an http(s) url"),
    ]:
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(IngestError, match=re.escape(f"{path}: {reason}")):
            load_feed_list(path)


@pytest.mark.slow
def test_watch_polls_again_after_a_failed_poll(web, tmp_path):
    from ingest.pipeline import Ingestor
    from ingest.watch import watch

    settings = Settings(home=tmp_path / "home", fetch=FAST)
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    polls, naps = [], []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    with WebReader(settings) as reader, pytest.raises(KeyboardInterrupt):
        watch([dead], Ingestor(settings), reader, every_minutes=0.5, on_poll=polls.append, sleep=nap)
    assert len(polls) == 2 and naps == [30.0, 30.0]
    assert all(p.feeds[0].status == "failed" and p.ingest.errors[0].startswith(dead) for p in polls)
