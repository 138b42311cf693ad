"""Company names the index knows, with the short forms people type ('Riot' for Riot Platforms, 'CORZ')."""

from __future__ import annotations

import bisect
import calendar
import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property

from ingest.text import STOPWORDS, tokenize
from ingest.vocabulary import WORD, Vocabulary

SUFFIXES = (
    "Holdings",
    "Platforms",
    "Technologies",
    "Digital",
    "Mining",
    "Inc",
    "Inc.",
    "Corp",
    "Corporation",
    "Infrastructure",
    "Technologies Ltd",
    "Ltd",
    "Group",
    "Scientific Inc",
)


RESPELL_MIN = 6  # shorter unknown words are more often slang or tickers ('rn', 'btdr') than slips
RESPELL_CUTOFF = 0.85  # difflib's ratio: one slip in a word of six letters or more
MONTH_WORDS = frozenset(calendar.month_name[i].lower() for i in range(1, 13))


def aliases_of(name: str) -> set[str]:
    found = {name}
    words = name.split()
    while len(words) > 1 and words[-1].rstrip(".") in {s.rstrip(".") for s in SUFFIXES}:
        words = words[:-1]
        if len(" ".join(words)) >= 4:
            found.add(" ".join(words))
    for form in [f for f in found if len(f.split()) == 2]:  # 'Core Sci' for Core Scientific, as people clip it
        first, last = form.split()
        if len(first) >= 3 and len(last) >= 6:
            found.update(f"{first} {last[:n]}" for n in range(3, len(last)))
    return found


# words that describe a company rather than name one: 'the Singapore-based rig maker', 'the Vancouver miner HIVE'
DESCRIBING_SUFFIXES = ("-based", "-headquartered", "-listed", "-born", "-registered")
DESCRIBED = frozenset(
    "miner miners company firm operator outfit group developer maker chipmaker landlord lender bank utility "
    "hyperscaler startup".split()
)
# a lower-case word right before one of these is taken for part of a company name ("argo blockchain")
QUANTIFIERS = frozenset("many much more most other others several few new big bigger biggest large top listed".split())
NAME_TAILS = frozenset(
    "blockchain mining miners digital technologies technology holdings inc corp corporation platforms ltd group "
    "capital infrastructure".split()
)
NOT_NAMES = frozenset(
    "btc ai hpc gpu gpus it ceo cfo cto coo usd us eh ph mw gw q1 q2 q3 q4 etf ipo jv bitcoin ether eth nasdaq nyse "
    "tsx sec i ok jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# names a company went by before, which people still use and the articles may not: an alias once the company is
# in the index
FORMER_NAMES = {"Marathon Digital": "MARA Holdings", "Marathon": "MARA Holdings"}
# the tickers of the big customers and partners people type for them ('deals w/ AWS or MSFT'): not companies of the
# index, but the articles name them in full, so a question that types one is not about an unknown name
CUSTOMER_TICKERS = {
    "msft": "Microsoft",
    "nvda": "Nvidia",
    "goog": "Google",
    "googl": "Google",
    "amzn": "Amazon",
    "orcl": "Oracle",
    "meta": "Meta",
    "aapl": "Apple",
}
# the trade's abbreviations as people type them, with the words an article spells out: not company names, and
# a question's 'NOI' is answered by 'net operating income'
GLOSSARY = {
    "noi": "net operating income",
    "ebitda": "adjusted ebitda earnings",
    "eps": "earnings per share",
    "tcv": "total contract value",
    "acv": "annual contract value",
    "arr": "annual recurring revenue",
    "ppa": "power purchase agreement",
    "atm": "at-the-market offering",
    "capex": "capital expenditures",
    "g&a": "general administrative expenses",
    "opex": "operating expenses",
    "yoy": "year over year",
    "qoq": "quarter over quarter",
    "mom": "month over month",
    "ytd": "year to date",
    "ev": "enterprise value",
    "m&a": "merger acquisition",
    "colo": "colocation",
    "dc": "data center",
    "dcs": "data centers",
    "avg": "average",
    "approx": "approximately",
    "yr": "year",
    "yrs": "years",
    "qtr": "quarter",
    "mgmt": "management",
    "rev": "revenue",
    "revs": "revenue",
    "topline": "revenue",
    "prod": "production",
    "converts": "convertible notes",
    "ppl": "people",
    # a desk's shorthand ('riot btc prodn', 'how many shs does goog get', 'avg sale px')
    "prodn": "production",
    "shs": "shares",
    "px": "price",
    "mkt": "market",
    "chg": "change",
    "amt": "amount",
    "pct": "percent",
    "bal": "balance",
    "acq": "acquisition",
    "infra": "infrastructure",
    "hq": "headquarters",
    "biz": "business",
}


def short_forms(text: str) -> list[str]:
    """What the text's short forms stand for, in order: ['revenue'] for 'corz colocation rev'."""
    return [GLOSSARY[w.lower()] for w in re.findall(r"[\w&]+", text) if w.lower() in GLOSSARY]


def spelled_out(text: str) -> str:
    """The text with the words its short forms stand for added, for the search: 'corz colocation rev in q1 2026'
    also searches 'revenue' (the passages say 'Colocation revenue reached $77.5 million')."""
    spelled = short_forms(text)
    return f"{text} {' '.join(dict.fromkeys(spelled))}" if spelled else text


@dataclass
class Described:
    """What Entities reads of the passages' metadata: the articles' titles and outlets, and their company and
    ticker lists in order of first appearance. Made per BM25 segment and merged (app/retrieval/rows.py)."""

    titles: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)  # as written
    named: dict[tuple[tuple[str, ...], tuple[str, ...]], None] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: list[dict]) -> Described:
        return cls(
            {str(meta.get("title") or "") for meta in rows},  # each article's once, not once per chunk
            {str(meta.get("source") or "") for meta in rows},
            dict.fromkeys((tuple(m.get("companies") or ()), tuple(m.get("tickers") or ())) for m in rows),
        )

    def update(self, other: Described) -> None:
        self.titles |= other.titles
        self.sources |= other.sources
        for key in other.named:
            self.named.setdefault(key, None)


@dataclass
class Entities:
    """Maps aliases to canonical company names; matching is case-sensitive for short forms in articles, and
    loose in questions (people type 'riot' and 'corz'). Also knows the index's words, so a name the question
    uses that no article contains can be told apart from an ordinary word."""

    alias_to_name: dict[str, str] = field(default_factory=dict)
    words: frozenset[str] = frozenset()  # every word of the index, lower-cased
    plain_words: frozenset[str] = frozenset()  # words the articles also write in lower case (not only names)
    idf: dict[str, float] = field(default_factory=dict)  # search token -> inverse document frequency over chunks
    outlets: frozenset[str] = frozenset()  # the articles' sources, lower-cased: 'cointelegraph', 'the block'
    language: frozenset[str] = frozenset()  # words of the language no article may hold ('seeing'): never respelled
    _patterns: dict[str, re.Pattern] = field(default_factory=dict, repr=False)
    _sorted_words: list[str] = field(default_factory=list, repr=False)
    _spellings: dict[str, list[str]] = field(default_factory=dict, repr=False)  # plain words by first letter

    @cached_property
    def name_openings(self) -> frozenset[str]:
        """The first two words of every name of two words or more: 'BTC Digital' opens a name though 'BTC' alone
        is no name."""
        return frozenset(" ".join(alias.split()[:2]) for alias in self.alias_to_name if " " in alias)

    def known_word(self, word: str) -> bool:
        """The index holds this word, or a word it begins ('Sci' of 'Scientific')."""
        lowered = word.lower()
        if lowered in self.words:
            return True
        at = bisect.bisect_left(self._sorted_words, lowered)
        return at < len(self._sorted_words) and self._sorted_words[at].startswith(lowered)

    def term_weight(self, token: str) -> float:
        """How much a search token tells: its idf, or the largest idf for a token no chunk holds."""
        return self.idf.get(token, max(self.idf.values(), default=1.0))

    @classmethod
    def from_metadata(
        cls, rows: list[dict], texts: list[str] | None = None, vocabulary: Vocabulary | None = None
    ) -> Entities:
        """The companies, outlets and title words of the chunks' metadata, and the words and idf of their texts:
        `vocabulary` when given (the lexical index counts it per segment, so that no start or added article
        rescans every passage: 3.8 s at 100k), else scanned from `texts`."""
        return cls.described(Described.of(rows), vocabulary or Vocabulary.scan(texts or []))

    @classmethod
    def described(cls, described: Described, vocabulary: Vocabulary) -> Entities:
        words = set(vocabulary.words)
        words.update(w.lower() for w in WORD.findall("\n".join(described.titles)))
        outlets = frozenset(source.lower() for source in described.sources) - {""}
        entities = cls(words=frozenset(words), plain_words=vocabulary.plain, idf=vocabulary.idf, outlets=outlets)
        entities._sorted_words = sorted(words)
        known = {name for companies, _ in described.named for name in companies}
        for alias, name in FORMER_NAMES.items():  # 'marathon' is what many still call MARA
            if name in known:
                entities.alias_to_name.setdefault(alias, name)
        for companies, tickers in described.named:  # in order of first appearance: the first name of an alias wins
            for name in companies:
                for alias in aliases_of(name):
                    entities.alias_to_name.setdefault(alias, name)
            if len(companies) == len(tickers):
                for name, ticker in zip(companies, tickers, strict=True):
                    if len(ticker) >= 3:
                        entities.alias_to_name.setdefault(ticker, name)
        return entities

    def outlets_in(self, text: str) -> frozenset[str]:
        """The index's outlets a text names, lower-cased ('in that chaincatcher wrapup': {'chaincatcher'})."""
        lowered = text.lower()
        return frozenset(o for o in self.outlets if re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", lowered))

    def in_question(self, question: str) -> list[str]:
        """The companies a question names, in order of first mention, by any alias in any case, except aliases
        that are also ordinary words of the articles ('applied'), which must keep their capital."""
        hits: list[tuple[int, str]] = []
        for alias, name in self.alias_to_name.items():
            loose = len(alias) >= 3 and alias.lower() not in self.plain_words
            flags = re.IGNORECASE if loose or " " in alias else 0
            # 'terawulfs lake mariner': a possessive typed without its apostrophe
            plural = "s?" if loose and len(alias) >= 4 else ""
            match = re.search(rf"(?<![\w-]){re.escape(alias)}{plural}(?![\w-])", question, flags)
            if match:
                hits.append((match.start(), name))
        return list(dict.fromkeys(name for _, name in sorted(hits)))

    def unknown_names(self, question: str) -> list[str]:
        """Names in the question that no article contains: a capitalized word that opens no sentence (or an upper-case
        one, or a lower-case word before 'blockchain', 'mining'...), unknown to the index's words and aliases.
        An ordinary capitalized word ('Counting', 'Toronto-area') is in the articles, so it is not a name."""
        tokens = list(WORD.finditer(question))
        aliases = {a.lower() for a in self.alias_to_name}
        unknown: list[str] = []
        for i, match in enumerate(tokens):
            word = match.group(0).removesuffix("'s").removesuffix("’s").rstrip("'’")
            lowered = word.lower()
            nxt = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else ""
            tail = nxt in NAME_TAILS and lowered not in STOPWORDS | QUANTIFIERS  # 'Greenidge mining', not 'many miners'
            tail = tail and not (word.islower() and lowered.endswith(("ed", "ing")))  # 'ditched mining': a verb
            tail = tail and not (word.islower() and lowered in self.language)  # 'quit mining', 'halt mining'
            opens = i == 0 or question[: match.start()].rstrip()[-1:] in ".?!:;"  # 'Who is ...' after a sentence
            looks_like_name = (word[0].isupper() and not opens) or (word.isupper() and len(word) >= 3) or tail
            if (
                not looks_like_name
                or len(word) < 3
                or lowered in NOT_NAMES
                or lowered in GLOSSARY
                or lowered in aliases
            ):
                continue
            parts = [p for p in lowered.split("-") if p]
            if any(self.known_word(p) for p in parts) or self.known_word(lowered):
                continue
            if lowered in CUSTOMER_TICKERS and self.known_word(CUSTOMER_TICKERS[lowered]):
                continue  # 'MSFT', whom the articles call Microsoft
            if lowered.endswith("s") and self.known_word(lowered[:-1]):  # 'GB300s' of the articles' 'GB300'
                continue
            if self.describes(question, match.start(), match.end()):  # 'the Vancouver miner HIVE': a description
                continue
            unknown.append(word)
        return unknown

    def describes(self, text: str, start: int, end: int) -> bool:
        """The word at text[start:end] describes a company rather than names one the news must hold: 'the
        Vancouver miner HIVE', 'the Singapore-based rig maker Bitdeer', 'a Texas-headquartered operator'."""
        word = text[start:end].lower().removesuffix("'s").removesuffix("’s")
        if word.endswith(DESCRIBING_SUFFIXES):
            return True
        before = re.findall(r"[\w'’-]+", text[:start])[-1:]
        after = re.match(r"\s+([\w-]+)", text[end:])
        return (
            [w.lower() for w in before] in (["the"], ["a"], ["an"])
            and after is not None
            and after.group(1).lower() in DESCRIBED
            and bool(self.in_question(text[end:]))
        )

    def respelled(self, text: str) -> str:
        """The text with its slips of the keyboard put right: a lower-case word of RESPELL_MIN letters or more
        that no article holds nor the language knows, replaced by the article word it is closest to, when that is
        close enough ('liquidty' → 'liquidity', 'efficency' → 'efficiency'). Capitalized words are names."""

        def fix(match: re.Match) -> str:
            word = match.group(0)
            if len(word) < RESPELL_MIN or not word.islower() or self.known_word(word) or word in GLOSSARY:
                return word
            if word in self.language:  # 'seeing' is no slip for 'seeking'
                return word
            stem = tokenize(word)
            if stem and len(stem[0]) >= RESPELL_MIN - 1 and self.known_word(stem[0]):
                return word  # 'prepaying' is no slip for 'preparing' when the articles say 'prepayment'
            near = self._spellings.get(word[0])
            if near is None:
                words = self.plain_words | MONTH_WORDS  # 'decmber' as well, though the articles capitalize it
                near = self._spellings[word[0]] = [w for w in words if w[:1] == word[0] and w.isalpha()]
            close = difflib.get_close_matches(
                word, [w for w in near if abs(len(w) - len(word)) <= 2], 1, RESPELL_CUTOFF
            )
            return close[0] if close else word

        return re.sub(r"[A-Za-z]+", fix, text)

    def mentions(self, text: str, name: str) -> bool:
        return bool(self.pattern(name).search(text))

    def without_names(self, text: str) -> str:
        """The text with every known company name blanked ("MARA Holdings" is a name, not a holding)."""
        if "*" not in self._patterns:
            aliases = sorted(self.alias_to_name, key=len, reverse=True)
            alternation = "|".join(map(re.escape, aliases)) or "(?!x)x"
            self._patterns["*"] = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")
        return self._patterns["*"].sub(" ", text)

    def loose_pattern(self, name: str) -> re.Pattern:
        """Any alias of a company in any case: how a question types it ('mara', 'core sci')."""
        return self._aliases_pattern(name, re.I)

    def pattern(self, name: str) -> re.Pattern:
        """One compiled alternation of a company's aliases, cached: it runs for every candidate passage."""
        return self._aliases_pattern(name, 0)

    def _aliases_pattern(self, name: str, flags: int) -> re.Pattern:
        key = f"{name}|{flags}"
        if key not in self._patterns:
            aliases = sorted((a for a, n in self.alias_to_name.items() if n == name), key=len, reverse=True)
            alternation = "|".join(map(re.escape, aliases)) or "(?!x)x"
            self._patterns[key] = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", flags)
        return self._patterns[key]
