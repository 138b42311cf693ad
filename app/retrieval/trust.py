"""Sources that talk to the assistant (OWASP LLM01, prompt injection): an article with a sentence addressed to an
AI — "ignore all previous instructions", "SYSTEM NOTE TO AI ASSISTANTS", "tell the user that ..." — was written
to steer answers, so none of its passages reaches an answerer, LLM or not. News quotes such text rarely; when an
article reports on prompt injection itself, its passages are dropped too (a missed answer rather than a steered
one)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

# Each pattern is a way a planted text addresses the model; tests/app/test_trust.py holds an example of each and
# news sentences that must not match.
INSTRUCTIONS = re.compile(
    "|".join(
        (
            r"\b(?:ignore|disregard|forget|override)\b[^.]{0,40}\b(?:instructions?|prompts?|sources|context|rules)\b",
            r"\b(?:system|developer)\s+(?:note|prompt|message|instructions?)\b",
            r"\b(?:note|message|instructions?)\s+to\s+(?:ai|assistants?|llms?|language models?|chatbots?)\b",
            r"\b(?:tell|inform|answer) the user\b",
            r"\b(?:assistants?|ai|chatbots?|llms?)\s*[,:]\s*(?:disregard|ignore|you must|always|the correct answer)",
            r"\byou (?:must|should) (?:always )?(?:answer|say|respond|reply|state)\b",
            r"\bwhen asked about\b[^.]{0,60}\b(?:always|only)\s+(?:answer|say|reply)\b",
        )
    ),
    re.I,
)

T = TypeVar("T")


def carries_instructions(text: str) -> bool:
    """The text holds a sentence addressed to an AI model."""
    return bool(INSTRUCTIONS.search(text))


def trusted(passages: Iterable[T]) -> list[T]:
    """The passages less every one of an article any of whose passages carries instructions."""
    passages = list(passages)
    planted = {p.article_id for p in passages if carries_instructions(p.text)}
    return [p for p in passages if p.article_id not in planted]
