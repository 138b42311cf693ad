"""Two processes on one embedded index directory: a real `newsdesk serve` keeps answering 50 concurrent users for
30 s, with no 5xx and no wrong citation, while a real `newsdesk ingest` in another process writes to the same
index, and it finds what that process wrote; and what another server on the same directory takes through
POST /api/articles."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from app.settings import Settings
from ingest.pipeline import Ingestor
from tests.app.conftest import BackgroundServer
from tests.helpers import ROOT, SEED, free_port, wait_for_port

pytestmark = pytest.mark.slow  # a server process and an ingest process
USERS = 50
SECONDS = 30.0
PUSHED = {
    "title": "Ostrowind Mining sells 3,210 BTC",
    "published": "2026-03-05",
    "source": "Test Wire",
    "url": "https://wire.test/ostrowind-3210",
    "text": "Ostrowind Mining sold 3,210 BTC in March to repay a loan, the company said on Thursday.",
}
PUSHED_TWO = {
    "title": "Velmora Hashworks sells 1,470 BTC",
    "published": "2026-03-06",
    "source": "Test Wire",
    "url": "https://wire.test/velmora-1470",
    "text": "Velmora Hashworks sold 1,470 BTC in March to fund its Brindlequay campus, the company said on Friday.",
}


def write_new_articles(folder, count=12):
    folder.mkdir()
    for i in range(count):
        body = " ".join(
            f"Quillfeather Mining unit {i} sold {i * 7 + 11} BTC in week {j} to pay for its Zorvath site."
            for j in range(8)
        )
        text = f"---\ntitle: Quillfeather unit {i} sales\npublished: 2026-02-{i % 27 + 1:02d}\nsource: Wire\n---\n"
        (folder / f"q{i:02d}.md").write_text(text + body + "\n", encoding="utf-8")


def ask_until(stop: threading.Event, url: str, statuses: list[tuple[str, int, str]]) -> None:
    """Clients asking (old and new questions) until told to stop; every status kept for the test to judge."""
    requests = [
        ("/api/ask", {"question": "How much bitcoin did Cango sell to repay its loan?"}),
        ("/api/search", {"query": "Quillfeather Zorvath site BTC", "k": 5}),
        ("/v1/chat/completions", {"model": "newsdesk", "messages": [{"role": "user", "content": "Cango loan"}]}),
    ]
    with httpx.Client(base_url=url, timeout=120) as client:
        while not stop.is_set():
            for path, body in requests:
                try:
                    response = client.post(path, json=body)
                except httpx.HTTPError as exc:  # a dropped connection counts as a failure, status 0
                    statuses.append((path, 0, repr(exc)))
                    continue
                statuses.append((path, response.status_code, cited_wrong(path, response) or response.text[:300]))
            stop.wait(0.2)  # a steady client, not one that starves the ingest of the machine's two cores


def cited_wrong(path: str, response: httpx.Response) -> str:
    """'wrong citation: ...' when the Cango answer does not state 4,451 BTC from a source that says it, else ''."""
    if path != "/api/ask" or response.status_code != 200:
        return ""
    body = response.json()
    cited = [c["passage"] for c in body["citations"]]
    if "4,451" in body["answer"] and any("4,451" in passage for passage in cited):
        return ""
    return f"wrong citation: {body['answer'][:200]}"


def test_a_server_keeps_answering_and_sees_an_ingest_run_by_another_process(tmp_path, embedder):
    from app.api import create_app
    from app.assistant import Assistant

    settings = Settings(home=tmp_path / "home")
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--home", str(settings.home)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    statuses: list[tuple[str, int, str]] = []
    stop = threading.Event()
    askers = [threading.Thread(target=ask_until, args=(stop, url, statuses)) for _ in range(USERS)]
    try:
        wait_for_port(port, timeout=120, process=server)
        started = time.monotonic()
        for asker in askers:
            asker.start()
        write_new_articles(tmp_path / "new")
        ingest = subprocess.run(
            [sys.executable, "-m", "app.cli", "ingest", str(tmp_path / "new"), "--home", str(settings.home)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert ingest.returncode == 0, ingest.stderr
        time.sleep(max(2.0, SECONDS - (time.monotonic() - started)))  # the users keep asking after the ingest too
        with BackgroundServer(create_app(Assistant(settings, embedder=embedder), settings)) as other:
            posted = httpx.post(f"{other.url}/api/articles", json=PUSHED, timeout=120)
        assert posted.status_code == 200 and posted.json()["added"] == 1, posted.text
        stop.set()
        for asker in askers:
            asker.join(300)
        with httpx.Client(base_url=url, timeout=120) as client:
            found = client.post("/api/search", json={"query": "Quillfeather Mining unit 11 sold 88 BTC", "k": 3})
            stats = client.get("/api/status").json()["index"]
            pushed = client.post("/api/search", json={"query": "Ostrowind Mining sold BTC to repay a loan", "k": 3})
    finally:
        stop.set()
        server.terminate()
        server.wait(30)
        log.close()
    assert statuses, "no client request was made"
    failures = [s for s in statuses if s[1] >= 500 or s[1] == 0 or s[2].startswith("wrong citation")]
    assert not failures, failures[:3]
    assert sum(path == "/api/ask" for path, _, _ in statuses) >= USERS  # every user asked at least once
    assert found.status_code == 200, found.text
    passages = found.json()["passages"]
    assert any("unit 11 sold 88 BTC" in p["text"] for p in passages), [p["text"][:80] for p in passages]
    assert stats["articles"] == 14 and stats["lexical"] == "ok"
    assert pushed.status_code == 200 and "3,210 BTC" in pushed.json()["passages"][0]["text"], pushed.text


def serve_process(tmp_path, name: str, chroma_url: str, collection: str) -> tuple[subprocess.Popen, str, object]:
    """A real `newsdesk serve` with its own data dir on the Chroma server (another machine, as far as it knows)."""
    port = free_port()
    log = open(tmp_path / f"{name}.log", "w")
    env = {**os.environ, "NEWSDESK_COLLECTION": collection}
    args = ["serve", "--port", str(port), "--home", str(tmp_path / name), "--chroma-url", chroma_url]
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return process, f"http://127.0.0.1:{port}", log


def passages_of(url: str, query: str) -> list[dict]:
    found = httpx.post(f"{url}/api/search", json={"query": query, "k": 5}, timeout=120)
    assert found.status_code == 200, found.text
    return found.json()["passages"]


def same(passages: list[dict]) -> list[tuple]:
    return [(p["url"], p["text"], round(p["score"], 6)) for p in passages]


def test_two_servers_with_their_own_data_dirs_on_one_chroma_server_see_each_others_ingests(
    chroma_server, tmp_path, embedder
):
    """Two `newsdesk serve` processes, each with its own data dir (so its own BM25 cache), on one `chroma run`:
    an article added through either is found by both, by dense and lexical search, and both return the same
    passages with the same scores and answer from it."""
    collection = "two-servers"
    seeded = Settings(home=tmp_path / "seed", chroma_url=chroma_server, collection=collection)
    assert Ingestor(seeded, embedder=embedder).ingest([SEED]).ok
    servers = [serve_process(tmp_path, name, chroma_server, collection) for name in ("one", "two")]
    try:
        for process, url, _ in servers:
            wait_for_port(int(url.rsplit(":", 1)[1]), timeout=180, process=process)
        (_, one, _), (_, two, _) = servers
        cango = "How much bitcoin did Cango sell to repay its loan?"
        assert same(passages_of(one, cango)) == same(passages_of(two, cango)) != []
        pushes = ((one, two, PUSHED, "Ostrowind", "3,210"), (two, one, PUSHED_TWO, "Velmora Hashworks", "1,470"))
        for through, other, article, name, figure in pushes:
            posted = httpx.post(f"{through}/api/articles", json=article, timeout=120)
            assert posted.status_code == 200 and posted.json()["added"] == 1, posted.text
            time.sleep(Settings().generation_check_s + 0.2)  # the other process asks the server this often
            query = f"{name} sold BTC"
            theirs = passages_of(other, query)
            assert same(theirs) == same(passages_of(through, query)), query
            assert theirs[0]["url"] == article["url"] and theirs[0]["lexical"] > 0, theirs[0]  # in its BM25 too
            asked = httpx.post(f"{other}/api/ask", json={"question": f"How much bitcoin did {name} sell?"}, timeout=120)
            body = asked.json()
            assert figure in body["answer"] and article["url"] in [c["url"] for c in body["citations"]], asked.text
    finally:
        for process, _, log in servers:
            process.terminate()
            process.wait(30)
            log.close()
