"""Company names the index knows, with the short forms people type ('Riot' for Riot Platforms, 'CORZ')."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def aliases_of(name: str) -> set[str]:
    found = {name}
    words = name.split()
    while len(words) > 1 and words[-1].rstrip(".") in {s.rstrip(".") for s in SUFFIXES}:
        words = words[:-1]
        if len(" ".join(words)) >= 4:
            found.add(" ".join(words))
    return found


@dataclass
class Entities:
    """Maps aliases to canonical company names; matching is case-sensitive for short forms."""

    alias_to_name: dict[str, str] = field(default_factory=dict)
    _patterns: dict[str, re.Pattern] = field(default_factory=dict, repr=False)

    @classmethod
    def from_metadata(cls, rows: list[dict]) -> Entities:
        entities = cls()
        for meta in rows:
            companies = list(meta.get("companies") or [])
            tickers = list(meta.get("tickers") or [])
            for name in companies:
                for alias in aliases_of(name):
                    entities.alias_to_name.setdefault(alias, name)
            if len(companies) == len(tickers):
                for name, ticker in zip(companies, tickers, strict=True):
                    if len(ticker) >= 3:
                        entities.alias_to_name.setdefault(ticker, name)
        return entities

    def find(self, text: str) -> list[str]:
        """Canonical names of the companies a text mentions, in order of first mention."""
        hits: list[tuple[int, str]] = []
        for alias, name in self.alias_to_name.items():
            flags = re.IGNORECASE if (" " in alias or len(alias) > 5) and not alias.isupper() else 0
            match = re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", text, flags)
            if match:
                hits.append((match.start(), name))
        seen: list[str] = []
        for _, name in sorted(hits):
            if name not in seen:
                seen.append(name)
        return seen

    def mentions(self, text: str, name: str) -> bool:
        return bool(self.pattern(name).search(text))

    def without_names(self, text: str) -> str:
        """The text with every known company name blanked ("MARA Holdings" is a name, not a holding)."""
        if "*" not in self._patterns:
            aliases = sorted(self.alias_to_name, key=len, reverse=True)
            alternation = "|".join(map(re.escape, aliases)) or "(?!x)x"
            self._patterns["*"] = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")
        return self._patterns["*"].sub(" ", text)

    def pattern(self, name: str) -> re.Pattern:
        """One compiled alternation of a company's aliases, cached: it runs for every candidate passage."""
        if name not in self._patterns:
            aliases = sorted((a for a, n in self.alias_to_name.items() if n == name), key=len, reverse=True)
            alternation = "|".join(map(re.escape, aliases)) or "(?!x)x"
            self._patterns[name] = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])")
        return self._patterns[name]
