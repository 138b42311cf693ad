"""Text utilities every layer uses: sentences, tiktoken encodings, search tokens and figures."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import tiktoken

ABBREVIATIONS = re.compile(
    r"\b(?:Inc|Corp|Co|Ltd|LLC|Mr|Mrs|Ms|Dr|Jr|Sr|St|vs|etc|No|Nos|approx|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|"
    r"Oct|Nov|Dec|U\.S|U\.K|e\.g|i\.e)\.$"
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9$€£])")


@lru_cache(maxsize=4)
def get_encoding(name: str) -> tiktoken.Encoding:
    return tiktoken.get_encoding(name)


def split_sentences(text: str) -> list[str]:
    """Sentences of each paragraph; abbreviations such as 'Inc.' and 'U.S.' do not end a sentence."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n+|\s+(?=[-•▪]\s)", text):
        pending = ""
        for piece in SENTENCE_END.split(paragraph.strip().lstrip("-•▪ ")):
            pending = f"{pending} {piece}".strip() if pending else piece
            if not ABBREVIATIONS.search(pending):
                sentences.append(pending)
                pending = ""
        if pending:
            sentences.append(pending)
    return [s for s in sentences if s.strip()]


TOKEN = re.compile(r"\$?\d+(?:[.,]\d+)*%?|[a-z]+(?:['’][a-z]+)?")
STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have how i in into is it its it's of on or "
    "that the their them then there these they this to was were what when where which who whom why will with "
    "would you your about after before than so if also can could should may might through over under between per via "
    "any some all each".split()
)


IRREGULAR = {
    "sold": "sell",
    "held": "hold",
    "bought": "buy",
    "paid": "pay",
    "spent": "spend",
    "made": "make",
    "mined": "mine",
    "mining": "mining",
    "miner": "miner",
    "miners": "miner",
    "leases": "lease",
    "leased": "lease",
    "raised": "raise",
    "raising": "raise",
    "holdings": "hold",
    "holding": "hold",
    "sales": "sell",
    "sale": "sell",
    "selling": "sell",
    "sells": "sell",
    "produced": "produce",
    "production": "produce",
    "producing": "produce",
    "rose": "rise",
    "fell": "fall",
    "won": "win",
    "took": "take",
    "gave": "give",
    "signed": "sign",
}
TOKENIZER_VERSION = "4"  # bump when tokenize() changes, so stored BM25 indexes are rebuilt


def _stem(token: str) -> str:
    """A light suffix stripper: enough to meet 'sold'/'sell', 'mined'/'mine', 'named'/'name', 'leases'/'lease'."""
    if token in IRREGULAR:
        token = IRREGULAR[token]
    else:
        for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
            if len(token) >= len(suffix) + 3 and token.endswith(suffix) and not token.endswith("ss"):
                token = token[: -len(suffix)] + keep
                break
    return token[:-1] if len(token) >= 4 and token.endswith("e") else token


@lru_cache(maxsize=200_000)
def normalize_token(token: str) -> str:
    token = token.lstrip("$").rstrip("%").replace("’", "'")
    if token[:1].isdigit():
        return token.replace(",", "")
    if token.endswith("'s"):
        token = token[:-2]
    return _stem(token)


def folded(text: str) -> str:
    """The text without its accents, as people type it: 'Yguazú' → 'Yguazu'."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tokenize(text: str) -> list[str]:
    """Lower-cased words and whole numbers ('4,451' → '4451'), plurals folded, stopwords dropped."""
    return list(_tokens(text))


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[str, ...]:
    tokens = (normalize_token(t) for t in TOKEN.findall(folded(text).lower()))
    return tuple(t for t in tokens if t and t not in STOPWORDS)


FIGURE = re.compile(r"(?<![\w.])\$?\d[\d,]*(?:\.\d+)?%?")


def figure_value(token: str) -> str:
    """A figure's comparable form: '$4,451.5' → '4451.5'."""
    return token.lstrip("$").rstrip("%").replace(",", "").rstrip(".")


def figures_in(text: str) -> list[str]:
    """The figures a text states, as written ('4,451', '$305', '14%')."""
    return [m.group(0).rstrip(".,") for m in FIGURE.finditer(text)]
