"""Conversation: validated history, trimmed to a token budget, and follow-ups resolved into standalone
questions — by an LLM's condense step when one is configured, else by carrying earlier entities and time."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.errors import QuestionError
from app.retrieval.entities import Entities
from app.retrieval.filters import TIME_PATTERNS, YEAR, strip_time_words
from ingest.text import get_encoding

PRONOUNS = re.compile(r"\b(it|its|it's|they|them|their|theirs|he|she|his|her|the (company|firm|miner))\b", re.I)
ELLIPTICAL = re.compile(r"^\s*(and|what about|how about|and what about|same for|what of)\b", re.I)
ROLES = ("user", "assistant")


@dataclass
class Turn:
    role: str
    content: str


def parse_history(history: object, max_chars: int = 20_000) -> list[Turn]:
    """History as [{role, content}, ...] or [[question, answer], ...]; anything else is a QuestionError."""
    if history is None:
        return []
    if not isinstance(history, list):
        raise QuestionError("history must be a list of {role, content} messages")
    turns: list[Turn] = []
    for i, item in enumerate(history):
        if isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item):
            turns += [Turn("user", item[0]), Turn("assistant", item[1])]
            continue
        if not isinstance(item, dict):
            raise QuestionError(f"history[{i}] must be an object with role and content")
        role, content = item.get("role"), item.get("content")
        if role not in ROLES:
            raise QuestionError(f"history[{i}].role must be 'user' or 'assistant', not {role!r}")
        if not isinstance(content, str):
            raise QuestionError(f"history[{i}].content must be a string")
        if len(content) > max_chars:
            raise QuestionError(f"history[{i}].content is too long ({len(content):,} characters; limit {max_chars:,})")
        turns.append(Turn(role, content))
    return turns


def trim_history(turns: list[Turn], budget_tokens: int, encoding: str) -> list[Turn]:
    """The most recent turns that fit in the budget (tiktoken tokens)."""
    enc = get_encoding(encoding)
    kept: list[Turn] = []
    used = 0
    for turn in reversed(turns):
        cost = len(enc.encode_ordinary(turn.content)) + 4
        if used + cost > budget_tokens:
            break
        kept.insert(0, turn)
        used += cost
    return kept


def has_time(text: str) -> bool:
    return any(p.search(text) for p in TIME_PATTERNS)


def resolve_followup(question: str, turns: list[Turn], entities: Entities) -> str:
    """A standalone question: the subject and time frame of earlier user turns carried into an elliptical or
    pronoun-only follow-up ('How much does it still hold?', 'And in January?', 'What about Riot?')."""
    previous = [t.content for t in turns if t.role == "user"]
    if not previous:
        return question
    last = previous[-1]
    named_now = entities.find(question)
    if ELLIPTICAL.match(question):
        rest = ELLIPTICAL.sub("", question).strip(" ?.,")
        base = strip_time_words(last) if has_time(rest) else last
        if named_now:
            for name in entities.find(base):
                base = entities.pattern(name).sub(named_now[0], base)
            return base if not has_time(rest) else f"{base.rstrip('?. ')} {rest}?"
        return f"{base.rstrip('?. ')} {rest}?"
    if named_now:
        return question
    earlier = [name for text in reversed(previous) for name in entities.find(text)]
    if earlier and (PRONOUNS.search(question) or len(question.split()) <= 6):
        subject = earlier[0]
        resolved = PRONOUNS.sub(
            lambda m: subject + ("'s" if m.group(0).lower() in {"its", "their"} else ""), question, count=1
        )
        asks_figure = re.search(r"\bhow (much|many)\b", question, re.I)
        if (
            asks_figure
            and not has_time(question)
            and has_time(last)
            and not re.search(r"\b(now|still|latest|current)", question)
        ):
            resolved = f"{resolved.rstrip('?. ')} {_time_phrase(last)}?"
        return resolved
    return question


def _time_phrase(text: str) -> str:
    """The period an earlier question named, as a phrase to append: 'in September 2025', 'between July and
    September 2025' (a range is carried whole, not cut to its first month)."""
    for pattern in TIME_PATTERNS:
        match = pattern.search(text)
        if match:
            phrase = match.group(1) if pattern is YEAR else match.group(0).strip()
            return phrase if phrase.lower().startswith(("between", "from")) else f"in {phrase}"
    return ""


CONDENSE_PROMPT = (
    "Rewrite the follow-up question as one standalone question that names the company and time it refers to. "
    "Reply with the question only.\n\nConversation:\n{history}\n\nFollow-up: {question}\nStandalone question:"
)


def condense_with_llm(question: str, turns: list[Turn], generate: Callable[[str], str]) -> str:
    """The LLM's standalone rewrite of a follow-up; the original question if the reply is unusable."""
    history = "\n".join(f"{t.role}: {t.content}" for t in turns[-6:])
    reply = generate(CONDENSE_PROMPT.format(history=history, question=question)).strip().split("\n")[0]
    return reply if 3 <= len(reply.split()) <= 60 else question
