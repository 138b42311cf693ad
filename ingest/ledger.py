"""The miners' ledger: the facts of every article (ingest/facts.py), stored where the index is, and the groups of
reports that disagree.

Stored as a second Chroma collection, `<collection>_facts`, on the index's own client (embedded files or the
`chroma run` server), so a second machine pointed at the same server, or a second process on the same data dir,
reads the same ledger. A row's document is the fact's sentence and its metadata the fact's fields; rows are read
with `where` filters, never by similarity, so every row carries the same constant 1-d vector: embedding the
sentences would cost the embedder at every ingest and tie the ledger to the embedding model (a new model would
re-embed it) for a search nobody makes. Writes go through the store's `writing()` lock and generation, so readers
in other processes reopen as they do for chunks. The extractor version that wrote the rows is kept in the
collection's metadata (see `Ingestor`: another version re-extracts every article on the next ingest).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.facts import FLOWS, HOLDINGS, Fact, Measure, company_key, day_number, same_company
from ingest.store import ChunkStore

VECTOR = [1.0]  # every row's embedding: the ledger is filtered, never searched by similarity
VERSION_KEY = "extractor_version"
PAGE = 1000
ONE_VALUE = HOLDINGS | FLOWS  # measures with one true value per company and date or period


@dataclass(frozen=True)
class Disagreement:
    """Reports from at least two articles that give different values for one company, measure and period."""

    company: str
    measure: Measure
    key: str  # the period (or as-of date) the reports share
    facts: tuple[Fact, ...]

    @property
    def values(self) -> list[float]:
        return sorted({f.value for f in self.facts})

    @property
    def summary(self) -> str:
        """'Cango btc_held at 2026-01-31: 7,474.6 BTC (Decrypt, TheMinerMag) vs 7,474 BTC (The Block)': each value
        as first written, with the outlets that gave it."""
        outlets: dict[float, list[str]] = {}
        figures: dict[float, str] = {}
        for fact in self.facts:
            value = round(fact.value, 9)
            figures.setdefault(value, self.figure(fact))
            name = fact.outlet or fact.article_id
            if name not in outlets.setdefault(value, []):
                outlets[value].append(name)
        parts = [f"{figures[value]} ({', '.join(names)})" for value, names in outlets.items()]
        where = "in" if any(f.period for f in self.facts) else "at"
        return f"{self.company} {self.measure} {where} {self.key}: " + " vs ".join(parts)

    def figure(self, fact: Fact) -> str:
        """The fact's figure as written, with its company when that is not the group's: an outlier against
        another company's scale ('52,850 BTC for MARA Holdings, the largest other company')."""
        if company_key(fact.company) == company_key(self.company):
            return fact.figure
        return f"{fact.figure} for {fact.company}, the largest other company"

    def to_dict(self) -> dict:
        return {
            "company": self.company,
            "measure": str(self.measure),
            "key": self.key,
            "summary": self.summary,
            "facts": [f.to_dict() for f in self.facts],
        }


def possessive(name: str) -> str:
    """A name's possessive: "Riot Platforms'", "Cango's"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def disagreements(rows: Iterable[Fact]) -> list[Disagreement]:
    """Groups of rows with one company (loosely), measure and period/as-of date whose articles report different
    values (see _reports_differ); each group keeps all its rows, ordered by publication date."""
    groups: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for fact in rows:
        groups[(company_key(fact.company), str(fact.measure), fact.key)].append(fact)
    found = []
    for (_, measure, key), facts in groups.items():
        if not _reports_differ(facts):
            continue
        facts.sort(key=lambda f: (f.published, f.article_id))
        found.append(Disagreement(facts[0].company, Measure(measure), key, tuple(facts)))
    return sorted(found, key=lambda d: (d.key, d.company, d.measure))


def _reports_differ(facts: list[Fact]) -> bool:
    """Two articles report different values. A holding or a flow has one true value per date or period, so any
    two values from two articles differ (an article that gives both 7,474 and 7,474.6 BTC disagrees with itself and
    with the report it quotes); a deal-like figure may come several to a date (a contract's total and its
    prepayment), so two articles differ only when their values share none."""
    values: dict[str, set[float]] = defaultdict(set)
    for fact in facts:
        values[fact.article_id].add(round(fact.value, 9))
    if len(values) < 2:
        return False
    if facts[0].measure in ONE_VALUE:
        return len(set().union(*values.values())) > 1
    sets = list(values.values())
    return any(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1 :])


def disagreement_for(fact: Fact, rows: Iterable[Fact]) -> Disagreement | None:
    """The disagreement the fact belongs to among `rows`, if the reports of its figure differ."""
    return next((d for d in disagreements(rows) if any(f.id == fact.id for f in d.facts)), None)


class Ledger:
    """The facts collection beside a ChunkStore's chunks: one client, one lock, one generation."""

    def __init__(self, store: ChunkStore) -> None:
        self.store = store
        self.name = f"{store.settings.collection}_facts"
        self._client = None
        self._collection = None

    @property
    def collection(self):
        """The facts collection on the store's current client (the store reopens its client when another process
        wrote; the collection handle follows it)."""
        if self._collection is None or self._client is not self.store.client:
            self._client = self.store.client
            self._collection = self.store._call(
                lambda: self._client.get_or_create_collection(
                    self.name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
            )
        return self._collection

    # writes ------------------------------------------------------------------------------------------------
    def replace(self, article_id: str, facts: Iterable[Fact]) -> int:
        """The article's facts become `facts` (none: it has none); returns how many are stored."""
        unique = {f.id: f for f in facts if f.article_id == article_id}
        with self.store.writing():
            self._delete({"article_id": article_id}, keep=set(unique))
            if unique:
                rows = list(unique.values())
                self.store._call(
                    lambda: self.collection.upsert(
                        ids=[f.id for f in rows],
                        embeddings=[VECTOR] * len(rows),
                        documents=[f.sentence for f in rows],
                        metadatas=[f.to_metadata() for f in rows],
                    )
                )
        return len(unique)

    def remove(self, article_id: str) -> None:
        with self.store.writing():
            self._delete({"article_id": article_id})

    def _delete(self, where: dict, keep: set[str] | None = None) -> None:
        found = self.store._call(lambda: self.collection.get(where=where, include=[]))
        doomed = [fact_id for fact_id in found["ids"] if not keep or fact_id not in keep]
        if doomed:
            self.store._call(lambda: self.collection.delete(ids=doomed))

    def reset(self) -> None:
        """No rows and no extractor version (the next ingest re-extracts every article it loads)."""
        with self.store.writing():
            collection = self.collection
            self.store._call(lambda: self._client.delete_collection(collection.name))
            self._collection = None

    # the extractor version ---------------------------------------------------------------------------------
    @property
    def extractor_version(self) -> int | None:
        """The version of ingest/facts.py that wrote these rows (None: unknown, e.g. an index older than the
        ledger)."""
        self.store.refresh()
        value = (self.collection.metadata or {}).get(VERSION_KEY)
        return int(value) if value is not None else None

    def mark_version(self, version: int) -> None:
        with self.store.writing():
            metadata = dict(self.collection.metadata or {})
            metadata[VERSION_KEY] = version
            self.store._call(lambda: self.collection.modify(metadata=metadata))

    # reads -------------------------------------------------------------------------------------------------
    def count(self) -> int:
        self.store.refresh()
        return self.store._call(self.collection.count)

    def rows(
        self,
        company: str | None = None,
        measure: Measure | str | None = None,
        since: str | None = None,
        until: str | None = None,
        article_id: str | None = None,
    ) -> list[Fact]:
        """Facts, filtered: company loosely (case, suffixes such as Inc/Holdings/Technologies, or a ticker),
        measure, since/until on as_of (ISO dates, inclusive), article; sorted by as_of, then publication."""
        self.store.refresh()
        clauses: list[dict] = []
        if measure:
            clauses.append({"measure": str(Measure(measure))})
        if article_id:
            clauses.append({"article_id": article_id})
        if since:
            clauses.append({"as_of_day": {"$gte": day_number(since)}})
        if until:
            clauses.append({"as_of_day": {"$lte": day_number(until)}})
        if company:
            clauses.append({"$or": [{"company_key": company_key(company)}, {"ticker": company.strip().upper()}]})
        where = clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
        facts = self._get(where)
        if company:  # the `where` above is exact on the key; a ticker given as a name is matched here
            facts = [f for f in facts if same_company(f.company, company, {f.company: f.ticker})]
        return sorted(facts, key=lambda f: (f.as_of, f.published, f.article_id, f.measure))

    def _get(self, where: dict | None) -> list[Fact]:
        facts: list[Fact] = []
        offset = 0
        while True:
            page = self.store._call(
                lambda offset=offset: self.collection.get(
                    where=where, offset=offset, limit=PAGE, include=["documents", "metadatas"]
                )
            )
            facts += [
                Fact.from_stored(*row) for row in zip(page["ids"], page["documents"], page["metadatas"], strict=True)
            ]
            if len(page["ids"]) < PAGE:
                return facts
            offset += PAGE

    def disagreements(self, rows: Iterable[Fact] | None = None) -> list[Disagreement]:
        """The disagreements among `rows` (default: the whole ledger)."""
        return disagreements(self.rows() if rows is None else rows)
