"""Conversation: validated history, trimmed to a token budget, and follow-ups resolved into standalone
questions — by an LLM's condense step when one is configured, else by carrying earlier entities and time."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass

from app.errors import QuestionError
from app.retrieval.entities import Entities
from app.retrieval.filters import (
    MONTH_WORDS,
    MONTHS,
    RECENT,
    TIME_PATTERNS,
    YEAR,
    parse_time_frame,
    strip_time_words,
)
from ingest.text import get_encoding
from ingest.values import measures_in

PRONOUNS = re.compile(
    r"\b(?P<pronoun>it|its|they|them|their|theirs|he|she|his|her|the (?:company|firm|miner))\b"
    r"(?P<verb>['’](?:s|re|ve|d|ll)\b)?",  # "it's", "they're", "they've" taken whole
    re.I,
)

PLURAL = re.compile(r"\b(?P<pronoun>they|them|their|theirs)\b(?P<verb>['’](?:re|ve|d|ll)\b)?", re.I)
IT = re.compile(r"\bit\b(?!['’]s)", re.I)


CONTRACTED = {"s": "is", "re": "is", "ve": "has", "d": "had", "ll": "will"}  # what "it's", "they've" ... say


def put_for(subject: str) -> Callable[[re.Match], str]:
    """What a pronoun matched by a pattern with `pronoun` and `verb` groups becomes when `subject` is put for it:
    "its" → "Riot Platforms's", "they're" → "Bitfarms is" (not "Bitfarms're"), "they've" → "Bitfarms has", any
    other → the subject."""

    def put(match: re.Match) -> str:
        if match.group("verb"):
            return f"{subject} {CONTRACTED[match.group('verb')[1:].lower()]}"
        return subject + ("'s" if match.group("pronoun").lower() in ("its", "their") else "")

    return put


ELLIPTICAL = re.compile(r"^\s*(and|what about|how about|and what about|same for|what of)\b", re.I)
ROLES = ("user", "assistant")
LEADING_FILLER = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|cool|great|thanks|thx|alright|right|hmm+|damn|wow|nice|got it)\b[\s,.!]*)+", re.I
)


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


REFERS_TO_TIME = re.compile(r"\b(that|the same|this) (month|quarter|year|period|week)\b|\bat that time\b", re.I)
REFERS_TO_PLACE = re.compile(r"\bthere\b|\b(that|this|the same) (site|campus|location|facility|place)\b", re.I)
ASKS = re.compile(r"\b(how|what|who|which|when|where|why|did|does|do|is|are|was|were|has|have|can|could|will)\b", re.I)
LATER = re.compile(r"\b(now|still|latest|current|currently|since|after|afterwards|later|these days|lately)\b", re.I)
EARLIER = re.compile(r"\b(before|earlier|previous|previously|prior|originally|at first)\b", re.I)
PLACE = re.compile(r"\b(?:at|in|for) (?:its |the )?((?:[A-Z][\w'’-]*\s?)+(?:\d+\b)?)")


# 'why?', 'how come?', 'why's that', 'why did they do that?' after a question that asks whether something was done
WHY_ALONE = re.compile(
    r"^\W*(?:but |and |so |ok,? )?(?:why|how come)\b(?:\W*(?:is that|was that|that|so|though|not)?"
    r"|\s+(?:did|do|would) (?:they|it|he|she) do (?:that|it|this))\W*$",
    re.I,
)
ASKED_ACT = re.compile(r"^\W*(?:did|does|do|has|have|had)\s+(?P<act>.+)$", re.I)


def resolve_followup(question: str, turns: list[Turn], entities: Entities) -> str:
    """A standalone question: what earlier turns referred to (the company, the period, the place, the thing
    talked about) carried into a follow-up. 'And in January?' and 'What about Riot?' re-ask the last question
    with the new part; 'how many did they sell that month?' gets 'they' and 'that month' replaced; 'could they
    take more there?' after 'who is the tenant at X's site?' is about the tenant the answer named, at that site;
    'what was the exchange ratio?' after a question about a merger carries the merger as its topic, '(re: ...)'."""
    previous = [t.content for t in turns if t.role == "user"]
    if not previous:
        return question
    last = previous[-1]
    question = LEADING_FILLER.sub("", question) or question  # 'ok and how much ...', 'damn. how much ...'
    named_now = entities.in_question(question)
    # 'did bitdeer sell its bitcoin?' 'why?': why it did
    if WHY_ALONE.match(question) and (act := ASKED_ACT.match(last.strip())):
        return f"Why did {act.group('act').strip(' ?.!')}?"
    if ELLIPTICAL.match(question):
        rest = ELLIPTICAL.sub("", question).strip(" ?.,")
        if not ASKS.search(rest):
            return _reask(last, rest, named_now, entities)
        question = rest[0].upper() + rest[1:] + "?"
    same = SAME_ASKED.match(question)
    if (
        same
        and has_time(same.group("rest"))
        and not named_now
        and not FILLER.sub("", strip_time_words(same.group("rest"))).strip(" ?.,")
    ):
        return _reask(last, same.group("rest").strip(" ?.,"), named_now, entities)  # 'what was it at the end of feb?'
    resolved = question
    earlier = [name for text in reversed(previous) for name in entities.in_question(text)]
    answered = _answered_name(last, turns, entities)
    if answered and re.search(r"\b(they|them|their)\b", resolved, re.I):
        earlier.insert(0, answered)  # 'could they take more there?' after 'who is the tenant ...?': the tenant
    if earlier and not named_now:
        subject = earlier[0]
        if PRONOUNS.search(resolved) and not ASKS_VALUE_OF_IT.search(resolved):
            # 'how much money did it bring them?': 'it' is the thing talked about, 'them' the company
            pronouns = PLURAL if IT.search(resolved) and PLURAL.search(resolved) else PRONOUNS
            resolved = pronouns.sub(put_for(subject), resolved, count=1)
        else:
            together = entities.in_question(last) if subject in entities.in_question(last) else []
            subject = " and ".join(together) if 1 < len(together) <= 2 and not answered else subject
            resolved = f"{resolved.rstrip('?. ')} for {subject}?"
    period = ""
    for text in reversed(previous):  # the last period the user named, unless a later turn asked 'and now?'
        if has_time(text):
            period = _time_phrase(text)
            break
        if RECENT.search(text):
            break
    relative = RELATIVE_TIME.search(resolved)
    if period and relative and not has_time(resolved):  # 'the year before' January 2024: 2023
        shifted = _shifted(period, relative)
        if shifted:
            resolved = resolved[: relative.start()] + shifted + resolved[relative.end() :]
    if period and not has_time(resolved):
        if REFERS_TO_TIME.search(resolved):
            resolved = REFERS_TO_TIME.sub(period, resolved, count=1)
        elif not LATER.search(resolved) and not ASKS_WHEN.search(resolved):
            resolved = f"{resolved.rstrip('?. ')} {period}?"
    place = _place(last, entities)
    if place and REFERS_TO_PLACE.search(resolved):
        resolved = REFERS_TO_PLACE.sub(f"at {place}", resolved, count=1)
    # 'and the other guys? like riot, how many did they do that month': a company named, but nothing asked of it
    asks_own = bool(named_now) and any(w.lower() not in OTHERS for w in _topic([question], entities))
    if not asks_own:
        topic = [w for w in _topic(previous[-2:], entities) if w.lower() not in resolved.lower()]
        if answered:  # 'could CoreWeave take more there?': still about Applied Digital's site
            topic = [n for n in entities.in_question(last) if n not in resolved] + topic
        if measures_in(resolved):  # 'how many did they sell?' after 'what did they mine?': selling, not mining
            topic = [w for w in topic if not measures_in(w)]
        if topic:
            resolved = f"{resolved.rstrip('?. ')} (re: {' '.join(topic)})?"
    return re.sub(r"\s+", " ", resolved).strip()


# 'what was it at the end of feb?', 'how much was that back in 2024?': the last question again, another period
FILLER = re.compile(r"\b(back|then|again|instead)\b", re.I)
SAME_ASKED = re.compile(
    r"^\s*(?:what|how (?:much|many|big))\s+(?:was|is|were|are)\s+(?:it|that|they|those)\b(?P<rest>.*)$", re.I
)
# a question (or its clause) that asks when: the earlier turn's period is not the time it asks for
ASKS_WHEN = re.compile(r"(?:^|[,;?]\s*|\band\s+)when\b", re.I)
# 'what was it at the end of February?' asks the value talked about, not the company
ASKS_VALUE_OF_IT = re.compile(r"\b(what|how much|how many)\s+(was|is|were|are)\s+(it|that|they)\b", re.I)
TOPIC_STOP = frozenset(
    "what whats how much many who whom whose which when where why did does do is are was were be been has have had "
    "the a an of to for in on at with and or about tell me us you happened happen happening doing going get got "
    "there their they them it its that this those these company firm miner now latest currently still after before "
    "since right so far any some from by into over per up out end start beginning early late mid quarter month year week "
    "period".split()
)


OTHERS = frozenset("other others guys folks ones like too also else rest".split())  # 'what about the other guys'


def _topic(questions: list[str], entities: Entities) -> list[str]:
    """The words of earlier questions a follow-up's 'that' may point at: less their companies, periods and
    question words ('what happened to the CoreWeave / Core Scientific merger?' → ['merger'])."""
    words: list[str] = []
    for text in questions:
        text = strip_time_words(text)
        for name in entities.in_question(text):
            text = entities.pattern(name).sub(" ", text)
            for alias in (a for a, n in entities.alias_to_name.items() if n == name):
                text = re.sub(rf"(?i)(?<![\w-]){re.escape(alias)}(?:['’]s)?(?![\w-])", " ", text)
        for word in re.findall(r"[A-Za-z][\w’'-]*", text):
            word = word.removesuffix("'s").removesuffix("’s")
            if word.lower() not in TOPIC_STOP and len(word) > 1 and word.lower() not in (w.lower() for w in words):
                words.append(word)
    return words


def _answered_name(last: str, turns: list[Turn], entities: Entities) -> str:
    """The company the last answer named when the last question asked who ('CoreWeave, which has leased ...')."""
    if not re.match(r"\s*(who|which|whose)\b", last, re.I):
        return ""
    reply = next((t.content for t in reversed(turns) if t.role == "assistant"), "")
    asked = set(entities.in_question(last))
    return next((name for name in entities.in_question(reply[:200]) if name not in asked), "")


def _reask(last: str, rest: str, named_now: list[str], entities: Entities) -> str:
    """The last question again with the follow-up's new part: another company, or another period."""
    base = strip_time_words(last) if has_time(rest) else last
    rest = _with_year(rest, last)
    if named_now:
        for name in entities.in_question(base):  # 'what about cleanspark?' after a question about 'mara'
            base = entities.loose_pattern(name).sub(named_now[0], base)
        if not has_time(rest):
            return base
        for name in named_now:  # 'what about riot in september 2025?': the company is in already
            rest = entities.loose_pattern(name).sub(" ", rest)
        return re.sub(r"\s+", " ", f"{base.rstrip('?. ')} {rest.strip()}?")
    swapped = _swap_phrase(base, rest)
    return swapped or f"{base.rstrip('?. ')} {rest}?"


MONTH_ALONE = re.compile(rf"\b({MONTH_WORDS})\b\.?(?!\s*,?\s*(?:19|20)\d\d)", re.I)
MONTH_AND_YEAR = re.compile(rf"\b({MONTH_WORDS})\b\.?\s+((?:19|20)\d\d)\b", re.I)


def _with_year(rest: str, last: str) -> str:
    """'and in January?' after a question about December 2025: the January nearest to it, January 2026."""
    month, before = MONTH_ALONE.search(rest), MONTH_AND_YEAR.search(last)
    if not month or not before or re.search(r"\b(19|20)\d\d\b", rest):
        return rest
    asked, then = MONTHS[month.group(1).lower()], MONTHS[before.group(1).lower()]
    year = int(before.group(2)) + (1 if then - asked > 6 else -1 if asked - then > 6 else 0)
    return rest[: month.end()] + f" {year}" + rest[month.end() :]


def _swap_phrase(base: str, rest: str) -> str:
    """'What about with Nvidia?' after '... sign with Microsoft?': the new name takes the old one's place."""
    match = re.match(r"(with|at|in|for|from|to|by) ([A-Z][\w&-]*(?: [A-Z][\w&-]*)*)$", rest)
    if not match:
        return ""
    old = re.search(rf"\b{match.group(1)} ([A-Z][\w&-]*(?: [A-Z][\w&-]*)*)", base)
    return base[: old.start(1)] + match.group(2) + base[old.end(1) :] if old else ""


def _place(text: str, entities: Entities) -> str:
    """A named site in a question ('at Applied Digital's Polaris Forge 1' → 'Polaris Forge 1'), not a company
    or a period."""
    for match in PLACE.finditer(text):
        phrase = match.group(1).strip()
        for name in entities.in_question(phrase):
            phrase = re.sub(rf"(?i)^.*?\b{re.escape(name)}(['’]s)?\s*", "", phrase)
        phrase = phrase.strip()
        if phrase and not has_time(phrase) and not entities.in_question(phrase):
            return phrase
    return _named_site(text, entities)


def _named_site(text: str, entities: Entities) -> str:
    """A site named in lower case ('applied digital's polaris forge 2 deal' → 'polaris forge 2'): the first run of
    words the articles only ever write capitalized, with a number after it, that is no company nor month."""
    text = entities.without_names(text)
    named = {w for alias in entities.alias_to_name for w in alias.lower().split()}  # 'digital' of Applied Digital
    run: list[str] = []
    for match in re.finditer(r"[A-Za-z][\w-]*|\d+\b", text):
        word = match.group(0)
        if run and word.isdigit():
            run.append(word)
            break
        proper = word.lower() in entities.words and word.lower() not in entities.plain_words
        if proper and word.lower() not in named and not has_time(word) and not entities.in_question(word):
            run.append(word)
        elif run:
            break
    return " ".join(run)


RELATIVE_TIME = re.compile(
    r"\b(?:the|a) (year|month|quarter) (?:before|earlier|prior)\b|\b(?:the )?(?:previous|prior) (year|month|quarter)\b|"
    r"\ba (year) (?:earlier|before|ago)\b",
    re.I,
)


def _shifted(period: str, relative: re.Match) -> str:
    """The period one year, quarter or month before the one an earlier turn named: 'in January 2024' and 'the
    year before' → '2023'; 'the month before' → 'December 2023'; 'the previous quarter' of Q1 2026 → 'Q4 2025'."""
    frame = parse_time_frame(period, None)
    if frame.start is None:
        return ""
    unit = next(g for g in relative.groups() if g).lower()
    start = frame.start
    if unit == "year":
        return str(start.year - 1)
    if unit == "quarter":
        q = (start.month - 1) // 3 + 1
        return f"Q{q - 1} {start.year}" if q > 1 else f"Q4 {start.year - 1}"
    month, year = (start.month - 1, start.year) if start.month > 1 else (12, start.year - 1)
    return f"{calendar.month_name[month]} {year}"


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


CHATTER = re.compile(r"^\s*(?P<said>[^.!?]{1,40}?[.!]+)\s+(?=\S)")  # a short sentence before the question
# contractions typed without their apostrophe: 'whats' is 'what's', 'didnt' is 'didn't' ('its' stays a possessive)
UNAPOSTROPHED = re.compile(
    r"\b(what|who|how|where|when|that|there)s\b|\b(did|does|do|is|are|was|were|has|have|had|ca|wo|could|would|should)nt\b",
    re.I,
)


def apostrophes_put_back(question: str) -> str:
    """The question with the apostrophes of its contractions put back, so that 'whats cang sitting on' reads as
    'what's ...' to every rule that looks for 'what'."""
    return UNAPOSTROPHED.sub(lambda m: f"{m.group(1)}'s" if m.group(1) else f"{m.group(2)}n't", question)


IDIOMS = (  # the trade's figures of speech, in the words the articles use
    (re.compile(r"\bwar ?chests?\b", re.I), "treasury"),  # "MARA's bitcoin war chest"
    (re.compile(r"\b(?:dig|digs|digging) up\b|\bdig\b", re.I), "mine"),  # 'how many coins did HIVE dig up'
    (re.compile(r"\bdug(?: up)?\b", re.I), "mined"),
    # 'which miners printed over 600 btc': mined, when coins are what was printed
    (re.compile(r"\bprint(?:ed)?\b(?=(?:\s+\S+){0,3}?\s+(?:btc|bitcoins?|coins)\b)", re.I), "mined"),
)


THAT_YEAR = re.compile(r"\b(?:that|the same) year\b", re.I)


def idioms_plain(question: str) -> str:
    """The question with the trade's figures of speech in plain words: 'war chest' → 'treasury', 'dig up' →
    'mine', 'printed 600 btc' → 'mined 600 btc'; and 'that year' as the year it named before ('between the end of
    September 2025 and the end of that year')."""
    for pattern, plain in IDIOMS:
        question = pattern.sub(plain, question)
    said = THAT_YEAR.search(question)
    years = re.findall(r"\b(?:19|20)\d\d\b", question[: said.start()]) if said else []
    return THAT_YEAR.sub(years[-1], question) if years else question


def symbols_spelled(question: str) -> str:
    """The question with a desk's symbols in words: 'deals w/ AWS' (or 'w AWS') → 'deals with AWS', 'w/o' →
    'without', 'popped >40%' → 'popped more than 40%', '<1k btc' → 'less than 1k btc', '600+ btc' → '600 or more
    btc'."""
    return SYMBOL.sub(lambda m: SYMBOL_WORDS[m.group(0).strip().lower()], question)


SYMBOL_WORDS = {
    "w/o": "without ",
    "w/": "with ",
    "w": "with ",
    ">": "more than ",
    "<": "less than ",
    ">=": "at least ",
    "<=": "at most ",
    "+": " or more",
}
SYMBOL = re.compile(
    r"\bw/o\s*|\bw/\s*|(?-i:\bw)\s+(?=[a-z]{2})|(?<![-=])[<>]=?\s*(?=[$\d])|(?<=[\dkmbn])\+(?=[\s?,.]|$)", re.I
)  # not the arrow of 'sept 25 -> ye25'


def without_chatter(question: str, entities: Entities) -> str:
    """The question without the reactions a chat puts before it: 'Love it. And when are they hoping to have that
    thing running?' asks only its second sentence (a sentence of three words at most, no figure, no company, no
    question word; 'Riot too.' stays)."""
    while True:
        match = CHATTER.match(question)
        if not match:
            return question
        said = match.group("said")
        if len(said.split()) > 3 or re.search(r"\d", said) or ASKS.search(said) or entities.in_question(said):
            return question
        question = question[match.end() :]
