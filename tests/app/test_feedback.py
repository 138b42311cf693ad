"""Feedback and traces: every answer has a trace id whose trace (timings, passages considered, citations) is
kept in the data dir; thumbs from the API and the chat are stored with the answer they rate; `newsdesk feedback
export` writes them as rows the eval-set loader accepts, a thumbs-down as a question to fix."""

from __future__ import annotations

import json
import subprocess
import sys

import gradio as gr
import httpx
import pytest

from app.feedback import FeedbackRecord, eval_row
from app.settings import Settings
from evals.evalset import parse_question
from tests.app.conftest import BackgroundServer
from tests.helpers import ROOT, SEED

QUESTION = "How much bitcoin did Cango sell to repay its loan?"
CITATION = {"n": 1, "article_id": "cango-sells-4451-btc", "title": "Cango sells", "passage": "sold 4,451 BTC"}


def record(rating: str, **changes) -> FeedbackRecord:
    values = dict(
        id="fb-1",
        at="2026-03-01T00:00:00+00:00",
        rating=rating,
        note="",
        trace_id="t1",
        question=QUESTION,
        history=[],
        answer="Cango sold 4,451 BTC [1].",
        citations=[CITATION],
        answerer="grounded",
    )
    return FeedbackRecord(**{**values, **changes})


def test_feedback_rows_are_eval_set_rows():
    up = eval_row(record("up"))
    assert parse_question(up, "up").figures == ["4,451"] and up["gold_articles"] == ["cango-sells-4451-btc"]
    down = eval_row(
        record("down", note="It sold 4,451 BTC to repay a loan from Galaxy", filters={"since": "2026-01-01"})
    )
    parsed = parse_question(down, "down")
    assert down["to_fix"] and parsed.expected.startswith("It sold") and parsed.filters == {"since": "2026-01-01"}
    follow = eval_row(record("up", history=[{"role": "user", "content": "Who is Cango?"}]))
    assert parse_question(follow, "follow").type == "follow-up" and follow["history"][0]["content"] == "Who is Cango?"
    assert eval_row(record("up", citations=[]))["to_fix"]  # nothing cited: a person adds the gold articles
    refusal = eval_row(record("up", refused=True, answer="The news does not report it."))
    assert parse_question(refusal, "refusal").type == "unanswerable" and refusal["figures"] == []


@pytest.fixture(scope="module")
def served(tmp_path_factory, embedder):
    from app.api import create_app
    from app.assistant import Assistant
    from ingest.pipeline import Ingestor

    settings = Settings(home=tmp_path_factory.mktemp("feedback"))
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    assistant = Assistant(settings, embedder=embedder)
    with (
        BackgroundServer(create_app(assistant, settings)) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        client.base = server.url
        yield client, assistant, settings


@pytest.mark.slow
def test_an_answer_has_a_trace_and_thumbs_are_stored_and_exported(served):
    client, _, settings = served
    history = [{"role": "user", "content": "Tell me about Cango"}, {"role": "assistant", "content": "Cango mines."}]
    answer = client.post("/api/ask", json={"question": QUESTION, "history": history}).json()
    trace_id = answer["trace_id"]
    assert len(trace_id) == 16
    trace = client.get(f"/api/traces/{trace_id}").json()
    assert trace["question"] == QUESTION and trace["history"] == history
    assert {"retrieve_ms", "answer_ms", "total_ms"} <= set(trace["timings"])
    assert trace["passages"] and any(p["cited"] for p in trace["passages"])
    assert all({"chunk_id", "score", "dense", "lexical"} <= set(p) for p in trace["passages"])

    down = client.post("/api/feedback", json={"trace_id": trace_id, "rating": "down", "note": "name the lender"})
    assert down.status_code == 200, down.text
    given = {"rating": "up", "question": "Who did Cango name CTO?", "answer": "X [1]", "citations": [CITATION]}
    up = client.post("/api/feedback", json=given)
    assert up.status_code == 200, up.text
    unknown = client.post("/api/feedback", json={"trace_id": "nope", "rating": "up"})
    assert unknown.status_code == 404 and "nope" in unknown.json()["error"]
    neither = client.post("/api/feedback", json={"rating": "up"})
    assert neither.status_code == 400 and neither.json()["error"].startswith("trace_id:")
    assert client.post("/api/feedback", json={"trace_id": trace_id, "rating": "meh"}).status_code == 422
    assert client.get("/api/traces/nope").status_code == 404

    stored = [json.loads(line) for line in (settings.home / "newsdesk.feedback.jsonl").read_text().splitlines()]
    assert stored[0]["answer"] == answer["answer"] and stored[0]["history"] == history
    assert stored[0]["citations"][0]["article_id"] and stored[0]["settings"]["search"]
    assert "api_token" not in stored[0]["settings"]

    out = settings.home / "rows.jsonl"
    command = [sys.executable, "-m", "app.cli", "feedback", "export", "--home", str(settings.home), "--out", str(out)]
    exported = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    questions = [parse_question(row, f"row {i}") for i, row in enumerate(rows)]
    assert rows[0]["to_fix"] and questions[0].question == QUESTION and questions[0].type == "follow-up"
    assert questions[0].expected == "name the lender" and questions[0].history == history
    assert "to_fix" not in rows[1] and questions[1].expected == "X [1]"


@pytest.mark.slow
def test_the_chat_shows_a_trace_under_each_answer_and_takes_thumbs(served):
    from app.ui import ChatHandlers, traced_messages

    _, assistant, settings = served
    handlers = ChatHandlers(assistant, None)
    *_, (chat, turns, _sources, _box) = handlers.respond(QUESTION, [], [], "", "", "", "", "grounded")
    shown = chat[-1]["content"]
    assert '<details class="nd-trace"' in shown and "<summary>Trace" in shown and "✓" in shown
    assert "nd-trace" not in turns[-1]["content"]  # the conversation the assistant sees has no trace in it
    _, traces = traced_messages(chat, {})
    trace_id = assistant.traces.find(list(traces.values())[0])["trace_id"]
    assert traces == {"1": trace_id}
    status, note = handlers.feedback(traces, "great", gr.LikeData(None, {"index": 1, "value": "", "liked": True}))
    assert "saved" in status and note == ""
    last = json.loads((settings.home / "newsdesk.feedback.jsonl").read_text().splitlines()[-1])
    assert (last["rating"], last["note"], last["trace_id"]) == ("up", "great", trace_id)
    refused, _ = handlers.feedback(traces, "", gr.LikeData(None, {"index": 0, "value": "", "liked": False}))
    assert "no answer" in refused


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting'", "ignore:The copy keyword is deprecated")
def test_thumbs_and_trace_in_a_real_browser(served):
    import time

    from playwright.sync_api import sync_playwright

    from tests.app.test_ui_browser import BOT, CHROMIUM, CHROMIUM_ARGS

    client, _, settings = served
    stored = settings.home / "newsdesk.feedback.jsonl"
    before = len(stored.read_text().splitlines()) if stored.exists() else 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(client.base + "/")
        page.fill("#nd-question textarea", QUESTION)
        page.click("#nd-ask")
        page.wait_for_selector(f"{BOT} details.nd-trace", timeout=60_000)
        trace = page.locator(f"{BOT} details.nd-trace").first
        assert not trace.locator("table").is_visible()  # collapsed until asked for
        trace.locator("summary").click()
        assert "✓" in trace.locator("table").inner_text()
        page.fill("#nd-feedback-note textarea", "should name the lender")
        page.locator("#nd-chat button[aria-label='Dislike']").last.click()
        page.wait_for_function("document.querySelector('#nd-feedback-status').innerText.includes('saved')")
        browser.close()
    deadline = time.monotonic() + 10
    while len(stored.read_text().splitlines()) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    last = json.loads(stored.read_text().splitlines()[-1])
    assert (last["rating"], last["note"], last["question"]) == ("down", "should name the lender", QUESTION)
