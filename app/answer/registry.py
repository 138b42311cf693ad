"""Answerers by name, each described by one spec: its label, how to build it and whether it can run with the
given settings. Adding one is one module and one line in SPECS."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.answer.base import Answerer
from app.answer.grounded import GroundedAnswerer
from app.errors import ConfigError
from app.settings import Settings
from ingest.embed import Embedder


@dataclass(frozen=True)
class AnswererSpec:
    name: str
    label: str
    factory: Callable[[Settings, Embedder], Answerer]
    configured: Callable[[Settings], bool]


def _grounded(settings: Settings, embedder: Embedder) -> Answerer:
    return GroundedAnswerer(embedder, settings.grounded)


# the LLM answerers' modules import LangChain (about 2 s): imported when one is first built or asked about, so a
# server that never uses an LLM starts without it
def _openai(settings: Settings, _embedder: Embedder) -> Answerer:
    from app.answer.llm import LLMAnswerer
    from app.answer.models import openai_chat

    return LLMAnswerer.from_settings("openai", openai_chat(settings), settings, endpoint=settings.openai_base_url or "")


def _local(settings: Settings, _embedder: Embedder) -> Answerer:
    from app.answer.llm import LLMAnswerer
    from app.answer.models import local_chat

    return LLMAnswerer.from_settings("local", local_chat(settings), settings)


def _openai_configured(settings: Settings) -> bool:
    from app.answer.models import openai_configured

    return openai_configured(settings)


def _local_configured(settings: Settings) -> bool:
    from app.answer.models import local_configured

    return local_configured(settings)


SPECS: dict[str, AnswererSpec] = {
    spec.name: spec
    for spec in (
        AnswererSpec("grounded", "grounded (no LLM)", _grounded, lambda _settings: True),
        AnswererSpec("openai", "OpenAI-compatible LLM", _openai, _openai_configured),
        AnswererSpec("local", "local GGUF LLM", _local, _local_configured),
    )
}
ALIASES = {"none": "grounded", "default": "grounded"}


def canonical(name: str) -> str:
    name = ALIASES.get(name.lower(), name.lower())
    if name not in SPECS:
        raise ConfigError(f"unknown answerer {name!r}; choose one of {', '.join(SPECS)} (or none)")
    return name


def spec(name: str) -> AnswererSpec:
    return SPECS[canonical(name)]


def available(settings: Settings) -> dict[str, bool]:
    """Which answerers can run with these settings."""
    return {name: s.configured(settings) for name, s in SPECS.items()}
