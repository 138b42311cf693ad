"""Answerers by name. Adding one is one module and one line here."""

from __future__ import annotations

from collections.abc import Callable

from app.answer.base import Answerer
from app.answer.grounded import GroundedAnswerer
from app.answer.llm import LLMAnswerer
from app.answer.models import CHAT_MODELS, is_configured
from app.errors import ConfigError
from app.settings import Settings
from ingest.embed import Embedder


def _llm(name: str) -> Callable[[Settings, Embedder], Answerer]:
    def make(settings: Settings, _embedder: Embedder) -> Answerer:
        endpoint = (settings.openai_base_url or "") if name == "openai" else ""
        return LLMAnswerer(
            name,
            CHAT_MODELS[name](settings),
            settings.llm_context_tokens,
            settings.llm_max_tokens,
            settings.encoding,
            endpoint=endpoint,
        )

    return make


ANSWERERS: dict[str, Callable[[Settings, Embedder], Answerer]] = {
    "grounded": lambda settings, embedder: GroundedAnswerer(embedder),
    "openai": _llm("openai"),
    "local": _llm("local"),
}
ALIASES = {"none": "grounded", "default": "grounded"}


def canonical(name: str) -> str:
    name = ALIASES.get(name.lower(), name.lower())
    if name not in ANSWERERS:
        raise ConfigError(f"unknown answerer {name!r}; choose one of {', '.join(ANSWERERS)} (or none)")
    return name


def available(settings: Settings) -> dict[str, bool]:
    """Which answerers can run with these settings (the grounded one always can)."""
    return {name: name == "grounded" or is_configured(name, settings) for name in ANSWERERS}
