"""The OpenAI-compatible routes, driven by the official `openai` client against the real server."""

import openai
import pytest
from openai import OpenAI

CANGO = "How much bitcoin did Cango sell to repay its loan?"


@pytest.fixture(scope="module")
def client(server_url):
    return OpenAI(base_url=f"{server_url}/v1", api_key="x", timeout=120, max_retries=0)


def test_models_lists_newsdesk(client):
    names = {model.id for model in client.models.list()}
    assert "newsdesk" in names and "newsdesk-grounded" in names
    assert "newsdesk-openai" not in names  # no OpenAI endpoint is configured in the tests


def test_a_model_can_be_retrieved_and_an_unknown_one_is_404(client):
    assert client.models.retrieve("newsdesk").id == "newsdesk"
    with pytest.raises(openai.NotFoundError, match="not served here"):
        client.models.retrieve("gpt-9")


def test_chat_completion_answers_with_citations(client):
    completion = client.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": CANGO}])
    text = completion.choices[0].message.content
    assert completion.object == "chat.completion"
    assert completion.choices[0].finish_reason == "stop"
    assert "4,451" in text and "[1]" in text
    assert "\n\nSources:\n1. " in text
    citations = completion.model_extra["citations"]
    assert citations[0]["n"] == 1 and citations[0]["url"] in text
    assert completion.usage.completion_tokens > 0


def test_streaming_chat_completion(client):
    stream = client.chat.completions.create(
        model="newsdesk", messages=[{"role": "user", "content": CANGO}], stream=True
    )
    chunks = list(stream)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    assert len(chunks) >= 3
    assert all(chunk.object == "chat.completion.chunk" for chunk in chunks)
    assert "4,451" in text and "[1]" in text and "Sources:" in text
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"][0]["n"] == 1


def test_history_makes_follow_ups_work(client):
    completion = client.chat.completions.create(
        model="newsdesk-grounded",
        messages=[
            {"role": "system", "content": "You answer from the news."},
            {"role": "user", "content": CANGO},
            {"role": "assistant", "content": "Cango sold 4,451 BTC [1]."},
            {"role": "user", "content": [{"type": "text", "text": "How much does it still hold?"}]},
        ],
    )
    assert "Cango" in completion.choices[0].message.content


def test_raw_sse_ends_with_done(http):
    with http.stream(
        "POST", "/v1/chat/completions", json={"messages": [{"role": "user", "content": CANGO}], "stream": True}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": CANGO}]}, "model"),
        ({"model": "newsdesk", "messages": [{"role": "user", "content": "  "}]}, "question"),
        ({"model": "newsdesk", "messages": [{"role": "assistant", "content": "hi"}]}, "last message"),
        ({"model": "newsdesk", "messages": [{"role": "user", "content": ""}], "stream": True}, "question"),
    ],
)
def test_bad_requests_are_4xx_in_openai_shape(client, kwargs, words):
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(**kwargs)
    assert words in caught.value.body["message"]
