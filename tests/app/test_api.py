"""The HTTP API on a real uvicorn server over the shipped-corpus index: answers, search, articles, status,
errors as 4xx with a message naming the field, and the bearer token."""

import httpx
import pytest

from tests.helpers import TOKEN

CANGO = "How much bitcoin did Cango sell to repay its loan?"
CANGO_ARTICLES = {"cango-sells-4451-btc", "2026-02-09-cango-sells-4451-btc-theminermag"}


def test_ask_answers_with_the_figure_and_a_citation(http):
    response = http.post("/api/ask", json={"question": CANGO})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "4,451" in body["answer"]
    assert "[1]" in body["answer"]
    assert body["question"] == CANGO
    assert {c["article_id"] for c in body["citations"]} & CANGO_ARTICLES
    first = body["citations"][0]
    for key in ("n", "title", "source", "published", "url", "passage", "used_sentences", "score"):
        assert key in first
    assert set(body["flags"]) >= {"refused", "unverified", "unverified_figures"}
    assert body["timings"]["total_ms"] > 0


def test_ask_follow_up_uses_history(http):
    history = [
        {"role": "user", "content": CANGO},
        {"role": "assistant", "content": "Cango sold 4,451 BTC [1]."},
    ]
    body = http.post("/api/ask", json={"question": "How much does it still hold?", "history": history}).json()
    assert "Cango" in body["standalone_question"]
    assert body["citations"]


def test_ask_with_filters_and_k(http):
    body = http.post(
        "/api/ask", json={"question": CANGO, "filters": {"since": "2026-01-01", "company": "Cango"}, "k": 3}
    ).json()
    assert body["filters"]["since"] == "2026-01-01"
    assert len(body["citations"]) <= 3


def test_search_returns_passages(http):
    body = http.post("/api/search", json={"query": "Cango loan repayment", "k": 4}).json()
    passages = body["passages"]
    assert 1 <= len(passages) <= 4
    assert {"chunk_id", "article_id", "title", "source", "url", "published", "text", "score"} <= set(passages[0])
    assert any(p["article_id"] in CANGO_ARTICLES for p in passages)


def test_articles_are_paged(http):
    first = http.get("/api/articles", params={"offset": 0, "limit": 5}).json()
    second = http.get("/api/articles", params={"offset": 5, "limit": 5}).json()
    assert first["total"] == second["total"] > 10
    assert len(first["articles"]) == len(second["articles"]) == 5
    assert not {a["id"] for a in first["articles"]} & {a["id"] for a in second["articles"]}
    everything = http.get("/api/articles", params={"limit": 500}).json()["articles"]
    assert len(everything) == first["total"]
    published = [a["published"] for a in everything]
    assert published == sorted(published, reverse=True)
    cango = next(a for a in everything if a["id"] == "cango-sells-4451-btc")
    assert cango["url"].startswith("https://") and cango["title"] and cango["source"] == "Decrypt"


def test_status_and_health(http):
    status = http.get("/api/status").json()
    assert status["index"]["articles"] > 10 and status["index"]["chunks"] >= status["index"]["articles"]
    assert status["index"]["newest"]
    assert status["answerers"]["grounded"] is True
    health = http.get("/health").json()
    assert (health["status"], health["chroma"], health["lexical"]) == ("ok", "ok", "ok") and health["chunks"] > 0


def test_openapi_schema_is_served(http):
    schema = http.get("/openapi.json").json()
    assert {"/api/ask", "/api/search", "/api/articles", "/api/status", "/v1/chat/completions"} <= set(schema["paths"])
    assert http.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        ({"question": ""}, 400, "question"),
        ({"question": "   \n "}, 400, "question"),
        ({"question": "x" * 2001}, 400, "question"),
        ({"question": 5}, 422, "question"),
        ({}, 422, "question"),
        ({"question": CANGO, "filters": {"since": "2026-03-01", "until": "2026-01-01"}}, 422, "since"),
        ({"question": CANGO, "filters": {"since": "2026-13-45"}}, 422, "filters.since"),
        ({"question": CANGO, "filters": {"outlet": "Decrypt"}}, 422, "filters.outlet"),
        ({"question": CANGO, "k": 0}, 422, "k"),
        ({"question": CANGO, "k": 51}, 422, "k"),
        ({"question": CANGO, "history": "hello"}, 422, "history"),
        ({"question": CANGO, "history": [{"role": "robot", "content": "hi"}]}, 422, "history.0.role"),
        ({"question": CANGO, "answerer": "gpt-9"}, 400, "answerer"),
    ],
)
def test_bad_requests_get_a_4xx_naming_the_field(http, body, status, names):
    response = http.post("/api/ask", json=body)
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert names in message, message


def test_bad_json_and_bad_paging_are_4xx(http):
    response = http.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "JSON" in response.json()["error"]
    response = http.get("/api/articles", params={"offset": -1})
    assert response.status_code == 422 and "offset" in response.json()["error"]
    response = http.post("/api/search", json={"query": "", "k": 3})
    assert response.status_code == 400 and response.json()["error"].startswith("query is empty")


def test_bodies_fastapi_cannot_read_get_the_error_shape(http):
    bad_utf8 = http.post("/api/ask", content=b'{"question": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert 400 <= bad_utf8.status_code < 500 and "error" in bad_utf8.json(), bad_utf8.text
    missing = http.get("/api/no-such-route")
    assert missing.status_code == 404 and set(missing.json()) == {"error"}, missing.text


@pytest.mark.parametrize("path", ["/api/status", "/api/articles", "/v1/models", "/"])
def test_token_is_required_when_set(token_server_url, path):
    with httpx.Client(base_url=token_server_url, timeout=60) as client:
        assert client.get(path).status_code == 401
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get("/health").status_code == 200


def test_token_protects_ask_and_query_token_sets_a_cookie(token_server_url):
    with httpx.Client(base_url=token_server_url, timeout=120) as client:
        assert client.post("/api/ask", json={"question": CANGO}).status_code == 401
        ok = client.post("/api/ask", json={"question": CANGO}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and "4,451" in ok.json()["answer"]
        assert client.get("/?token=wrong").status_code == 401
        redirect = client.get("/?token=" + TOKEN)
        assert redirect.status_code == 303 and redirect.headers["location"] == "/"
        assert client.cookies.get("newsdesk_token") == TOKEN
        assert client.get("/api/status").status_code == 200  # the cookie now carries the token
