"""Faults with real processes: a `newsdesk serve` on a real `chroma run` that is killed while questions come in
answers 503 naming the server (never a 500 or a dropped connection), /health says unavailable, and it recovers
without a restart when Chroma comes back; the token a browser opens the chat with never reaches the access log."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from app.settings import Settings
from ingest.pipeline import Ingestor
from tests.helpers import ROOT, SEED, TOKEN, free_port, wait_for_port

pytestmark = pytest.mark.slow  # a Chroma server and a newsdesk server, one of them killed
QUESTION = {"question": "How much bitcoin did Cango sell to repay its loan?"}


def start_chroma(port: int, path: Path, log) -> subprocess.Popen:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    command = [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    wait_for_port(port, process=process)
    return process


def ask_while(stop: threading.Event, client: httpx.Client, seen: list[tuple[float, int, str]]) -> None:
    """Questions until told to stop, each kept with the time it was sent."""
    while not stop.is_set():
        sent = time.monotonic()
        try:
            response = client.post("/api/ask", json=QUESTION)
            seen.append((sent, response.status_code, response.text[:300]))
        except httpx.HTTPError as exc:
            seen.append((sent, 0, repr(exc)))


def test_chroma_killed_mid_question_is_a_503_and_newsdesk_recovers_when_it_returns(tmp_path):
    chroma_port, port = free_port(), free_port()
    chroma_url = f"http://127.0.0.1:{chroma_port}"
    chroma_log = open(tmp_path / "chroma.log", "w")
    chroma = start_chroma(chroma_port, tmp_path / "chroma-db", chroma_log)
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_url, collection="faults")
    assert Ingestor(settings).ingest([SEED]).ok
    env = {
        **os.environ,
        "NEWSDESK_API_TOKEN": TOKEN,
        "NEWSDESK_CHROMA_URL": chroma_url,
        "NEWSDESK_COLLECTION": "faults",
    }
    serve_log = open(tmp_path / "serve.log", "w")
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--home", str(settings.home)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=serve_log, stderr=subprocess.STDOUT)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    seen: list[tuple[float, int, str]] = []
    stop = threading.Event()
    try:
        wait_for_port(port, timeout=120, process=server)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
            opened = httpx.get(f"http://127.0.0.1:{port}/?token={TOKEN}", follow_redirects=False)
            assert opened.status_code == 303 and "token" not in opened.headers["location"]
            health = client.get("/health")
            assert health.status_code == 200 and health.json()["chroma"] == "ok", health.text
            assert client.post("/api/ask", json=QUESTION).status_code == 200

            asker = threading.Thread(target=ask_while, args=(stop, client, seen))
            asker.start()
            time.sleep(1.0)
            chroma.send_signal(signal.SIGKILL)
            chroma.wait()
            killed_at = time.monotonic()
            time.sleep(3.0)
            stop.set()
            asker.join(120)
            down = client.get("/health")
            assert down.status_code == 503 and down.json()["status"] == "unavailable", down.text
            refused = client.post("/api/ask", json=QUESTION)
            assert refused.status_code == 503 and chroma_url in refused.json()["error"], refused.text

            chroma = start_chroma(chroma_port, tmp_path / "chroma-db", chroma_log)
            deadline = time.monotonic() + 60
            while client.get("/health").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.5)
            back = client.post("/api/ask", json=QUESTION)
            assert back.status_code == 200 and "4,451" in back.json()["answer"], back.text
    finally:
        stop.set()
        server.terminate()
        server.wait(30)
        chroma.terminate()
        chroma.wait(30)
        serve_log.close()
        chroma_log.close()
    assert seen and all(status in (200, 503) for _, status, _ in seen), [s for s in seen if s[1] not in (200, 503)]
    after = [(status, text) for sent, status, text in seen if sent > killed_at]
    assert after and all(status == 503 and chroma_url in text for status, text in after), after[:3]
    log = (tmp_path / "serve.log").read_text()
    assert "GET /?token=[redacted]" in log and TOKEN not in log
