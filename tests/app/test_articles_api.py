"""The ingest API on a real uvicorn server over its own small index: articles pushed as JSON, as uploaded files
and as a url to fetch are answerable at once; DELETE removes them; bad input is one line naming the field or
file; both routes need the token when one is set. Also the chat's "Add articles" handler."""

from __future__ import annotations

import json

import httpx
import pytest

from app.settings import Settings
from tests.app.conftest import BackgroundServer
from tests.helpers import SEED, TOKEN
from tests.web_server import Route, WebServer, page

NORTHERN = {
    "title": "Northern Block sells 150 BTC",
    "published": "2026-01-20",
    "source": "Test Wire",
    "url": "https://wire.test/northern-block-150",
    "text": "Northern Block Mining sold 150 BTC in December to fund a new site in Texas, the company said. "
    "It still holds 2,310 BTC after the sale.",
}


@pytest.fixture(scope="module")
def index_settings(tmp_path_factory, embedder) -> Settings:
    from ingest.pipeline import Ingestor

    settings = Settings(home=tmp_path_factory.mktemp("articles-api"))
    settings.fetch.host_delay_s = 0.0
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    return settings


@pytest.fixture(scope="module")
def api_url(index_settings, embedder):
    from app.api import create_app
    from app.assistant import Assistant

    assistant = Assistant(index_settings, embedder=embedder)
    with BackgroundServer(create_app(assistant, index_settings)) as server:
        yield server.url


@pytest.fixture(scope="module")
def api(api_url):
    with httpx.Client(base_url=api_url, timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def token_api(index_settings, embedder):
    from app.api import create_app
    from app.assistant import Assistant

    settings = index_settings.with_overrides(api_token=TOKEN)
    with BackgroundServer(create_app(Assistant(settings, embedder=embedder), settings)) as server:
        yield server.url


def search(api, query: str) -> list[dict]:
    return api.post("/api/search", json={"query": query, "k": 3}).json()["passages"]


def test_a_pushed_article_is_answerable_at_once_and_updated_by_its_url(api):
    report = api.post("/api/articles", json=NORTHERN)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["added"], body["failed"]) == (1, 0) and len(body["articles"]) == 1
    answer = api.post("/api/ask", json={"question": "How much bitcoin did Northern Block sell in December?"}).json()
    assert "150 BTC" in answer["answer"]
    assert answer["citations"][0]["url"] == NORTHERN["url"] and answer["citations"][0]["source"] == "Test Wire"

    corrected = {**NORTHERN, "text": NORTHERN["text"].replace("150 BTC", "175 BTC")}
    again = api.post("/api/articles", json=corrected).json()
    assert (again["added"], again["updated"], again["articles"]) == (0, 1, body["articles"])
    passages = search(api, "Northern Block sold BTC December Texas")
    assert "175 BTC" in passages[0]["text"] and not any("150 BTC" in p["text"] for p in passages)
    listed = api.get("/api/articles", params={"limit": 500}).json()["articles"]
    assert [a["url"] for a in listed if a["id"] == body["articles"][0]] == [NORTHERN["url"]]


def test_html_and_a_list_of_records(api):
    story = "Pine Ridge Mining raised $40 million from a share sale to buy 5,000 new machines for its Ohio site."
    html = page("Pine Ridge raises $40 million", [story, "The shares were sold at $2.10 each."])
    records = [
        {"html": html, "source": "Ohio Daily", "published": "2026-01-05"},
        {"title": "Short note", "text": "Quarry Hash Ltd. named a new CFO on Monday, the company said."},
    ]
    body = api.post("/api/articles", json=records).json()
    assert (body["added"], body["failed"]) == (2, 0)
    top = search(api, "Pine Ridge share sale machines Ohio")[0]
    assert top["title"] == "Pine Ridge raises $40 million" and top["source"] == "Ohio Daily"
    assert "$2.10" in top["text"]


def test_uploaded_files_in_any_format_and_a_bad_one_named(api):
    md = "---\ntitle: Glacier Bits buys a site\npublished: 2026-01-12\nsource: Test Wire\n---\n"
    md += "Glacier Bits bought a 120 MW site in Norway for $18 million, it said on Monday.\n"
    jsonl = json.dumps({"title": "Fjord Mining results", "text": "Fjord Mining mined 95 BTC in December 2025."})
    files = [
        ("file", ("glacier.md", md.encode(), "text/markdown")),
        ("file", ("fjord.jsonl", jsonl.encode(), "application/json")),
        ("file", ("report.pdf", b"%PDF-1.4 binary", "application/pdf")),
    ]
    response = api.post("/api/articles", files=files)
    body = response.json()
    assert response.status_code == 200 and (body["added"], body["failed"]) == (2, 1)
    assert body["errors"][0].startswith("report.pdf: unsupported file type '.pdf'")
    assert "120 MW" in search(api, "Glacier Bits Norway site")[0]["text"]
    assert any("95 BTC" in p["text"] for p in search(api, "How much did Fjord Mining mine?"))


def test_a_url_is_fetched_and_delete_removes_the_article(api):
    story = ["Tundra Digital switched on 2,000 machines at its Manitoba site in January, adding 0.4 EH/s."]
    with WebServer() as web:
        web.routes["/tundra"] = Route(page("Tundra Digital energises Manitoba", story * 3))
        body = api.post("/api/articles", json={"url": web.url("/tundra")}).json()
    assert (body["added"], body["failed"]) == (1, 0), body
    [article_id] = body["articles"]
    assert "0.4 EH/s" in search(api, "Tundra Digital Manitoba machines")[0]["text"]

    removed = api.delete(f"/api/articles/{article_id}")
    assert removed.status_code == 200 and removed.json()["removed"] == 1
    assert not any(p["article_id"] == article_id for p in search(api, "Tundra Digital Manitoba machines"))
    again = api.delete(f"/api/articles/{article_id}")
    assert again.status_code == 404 and article_id in again.json()["error"]


@pytest.mark.parametrize(
    "body, status, names",
    [
        ({"title": "x"}, 400, "give text, html or a url"),
        ({"title": "x", "text": "A story.", "published": "tomorrow"}, 400, "published 'tomorrow' is not a date"),
        ({"title": "x", "text": "A story.", "pubished": "2026-01-01"}, 422, "pubished"),
        ({"title": "x", "text": "   "}, 400, "text is empty"),
        ({"url": "http://127.0.0.1:9/none"}, 400, "http://127.0.0.1:9/none: cannot connect"),
        ([], 422, "empty"),
    ],
)
def test_bad_records_get_one_line_naming_the_field(api, body, status, names):
    response = api.post("/api/articles", json=body)
    assert response.status_code == status and names in response.json()["error"], response.text


def test_articles_routes_need_the_token_when_set(token_api):
    with httpx.Client(base_url=token_api, timeout=120) as client:
        assert client.post("/api/articles", json=NORTHERN).status_code == 401
        assert client.delete("/api/articles/anything").status_code == 401
        wrong = {"Authorization": "Bearer wrong"}
        assert client.post("/api/articles", json=NORTHERN, headers=wrong).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert client.post("/api/articles", json=NORTHERN, headers=auth).status_code == 200
        assert client.delete("/api/articles/no-such-id", headers=auth).status_code == 404


def test_the_chat_add_articles_panel_reports_the_ingest(index_settings, embedder, tmp_path):
    from app.articles import Desk
    from app.assistant import Assistant
    from app.ui import ChatHandlers

    assistant = Assistant(index_settings, embedder=embedder)
    good = tmp_path / "aurora.txt"
    good.write_text("Aurora Hash sold 64 BTC in January 2026 to pay for new machines, the company said.\n")
    empty = tmp_path / "empty.md"
    empty.write_text("")
    markdown, files, url = ChatHandlers(assistant, Desk(assistant)).add_articles([str(good), str(empty)], "not-a-url")
    assert markdown.startswith("**1** added") and "**2** failed" in markdown
    assert "empty.md: empty file" in markdown and "not-a-url: not an http(s) url" in markdown
    assert (files, url) == (None, "")
    assert any("64 BTC" in p.text for p in assistant.search("How much bitcoin did Aurora Hash sell?", k=3))


@pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting'", "ignore:The copy keyword is deprecated")
def test_add_articles_panel_in_a_real_browser(api_url, tmp_path):
    import shutil

    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    if not shutil.which(chromium):
        pytest.fail(f"{chromium} is missing: apt-get install -y chromium (`make browser` does it)")
    story = tmp_path / "lumen-hash.md"
    story.write_text(
        "---\ntitle: Lumen Hash sells 88 BTC\npublished: 2026-01-28\nsource: Test Wire\n---\n"
        "Lumen Hash Corp. sold 88 BTC in January 2026 to pay for its new Wyoming site, the company said.\n"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(api_url + "/")
        page.get_by_text("Add articles").click()
        page.wait_for_selector("#nd-add-files", state="visible", timeout=60_000)  # the panel opened
        # the upload goes through Gradio's server, as slow as the add under a loaded suite; a file set while the
        # panel's component is still mounting can be dropped (twice in full fresh-clone runs, never alone), so it
        # is set again once if its name has not shown
        for attempt in range(2):
            page.set_input_files("#nd-add-files input[type=file]", str(story))
            try:
                page.wait_for_function(
                    "document.querySelector('#nd-add-files').innerText.includes('lumen-hash.md')", timeout=45_000
                )
                break
            except PlaywrightTimeout:
                if attempt:
                    raise
        page.click("#nd-add-button")
        page.wait_for_function("document.querySelector('#nd-add-report').innerText.includes('added')", timeout=60_000)
        report = page.inner_text("#nd-add-report")
        browser.close()
    assert report.startswith("1 added")
    passages = httpx.post(f"{api_url}/api/search", json={"query": "Lumen Hash Wyoming", "k": 3}, timeout=60).json()
    assert any("88 BTC" in p["text"] for p in passages["passages"])


def test_an_article_another_process_fetched_is_found_by_a_running_server(chroma_server, tmp_path, embedder):
    """`newsdesk ingest URL` in its own process, a server already running on the same index (a Chroma server
    and one data dir): the server finds the new article without a restart."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from app.api import create_app
    from app.assistant import Assistant
    from ingest.pipeline import Ingestor

    settings = Settings(home=tmp_path / "home", chroma_url=chroma_server, collection="cross_process")
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    story = ["Solstice Mining sold 57 BTC in January 2026 and bought 1,200 new machines, it said on Friday."] * 3
    with WebServer() as web, BackgroundServer(create_app(Assistant(settings, embedder=embedder), settings)) as server:
        web.routes["/solstice"] = Route(page("Solstice Mining sells 57 BTC", story))
        env = {**os.environ, "NEWSDESK_COLLECTION": "cross_process", "NEWSDESK_FETCH__HOST_DELAY_S": "0"}
        newsdesk = Path(sys.executable).with_name("newsdesk")
        args = [
            str(newsdesk),
            "ingest",
            web.url("/solstice"),
            "--home",
            str(settings.home),
            "--chroma-url",
            chroma_server,
        ]
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        query = {"query": "How much bitcoin did Solstice Mining sell?", "k": 3}
        found = httpx.post(f"{server.url}/api/search", json=query, timeout=120).json()["passages"]
    assert found[0]["url"] == web.url("/solstice") and "57 BTC" in found[0]["text"]
