"""The ledger as users read it: the facts of the indexed articles (ingest/ledger.py) filtered by company, measure
and as-of dates, with the reports that disagree, as a table (CLI, API, chat), as CSV and as chart series."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from app.errors import QuestionError
from ingest.facts import HOLDINGS, Fact, Measure, company_key
from ingest.ledger import Disagreement, Ledger, disagreements

MEASURE_LABELS = {
    Measure.BTC_SOLD: "BTC sold",
    Measure.BTC_HELD: "BTC held",
    Measure.BTC_MINED: "BTC mined",
    Measure.BTC_BOUGHT: "BTC bought",
    Measure.USD_PROCEEDS: "proceeds (USD)",
    Measure.CONTRACT_VALUE: "contract value (USD)",
    Measure.CAPACITY_MW: "capacity (MW)",
    Measure.LEASE_TERM_YEARS: "lease term (years)",
    Measure.HASHRATE_EHS: "hashrate (EH/s)",
    Measure.USD_RAISED: "raised (USD)",
    Measure.ETH_HELD: "ETH held",
}
CSV_COLUMNS = (
    "as_of period company measure value unit figure counterparty outlet published title url article_id sentence "
    "disputed"
).split()


@dataclass(frozen=True)
class FactFilter:
    """What a user asked of the ledger; every field optional. Built with `parse`, which names a bad field."""

    company: str | None = None
    measure: Measure | None = None
    since: str | None = None
    until: str | None = None

    @classmethod
    def parse(
        cls,
        company: str | None = None,
        measure: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> FactFilter:
        company = (company or "").strip() or None
        found = None
        if measure and measure.strip():
            name = measure.strip().lower()
            if name not in set(Measure):
                raise QuestionError(f"measure: unknown measure {measure!r} (use one of {', '.join(Measure)})")
            found = Measure(name)
        since, until = _iso(since, "since"), _iso(until, "until")
        if since and until and since > until:
            raise QuestionError(f"since: {since} is after until ({until})")
        return cls(company, found, since, until)


def _iso(value: str | None, name: str) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise QuestionError(f"{name}: {value!r} is not a date (use YYYY-MM-DD)") from None


@dataclass
class FactsTable:
    """The facts a filter selects, oldest as-of first, and the groups among them whose reports differ."""

    facts: list[Fact]
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def disputed(self) -> set[str]:
        """Ids of the facts whose figure another article reports differently."""
        return {f.id for d in self.disagreements for f in d.facts}

    def to_dict(self) -> dict:
        disputed = self.disputed
        return {
            "count": len(self.facts),
            "facts": [{**f.to_dict(), "disputed": f.id in disputed} for f in self.facts],
            "disagreements": [d.to_dict() for d in self.disagreements],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in self.to_dict()["facts"]:
            writer.writerow(row)
        return out.getvalue()

    def holdings_series(self) -> list[dict]:
        """The points of the holdings lines: one per company, measure and date."""
        return self._points(f for f in self.facts if f.measure in HOLDINGS)

    def flow_series(self, measure: Measure) -> list[dict]:
        """The bars of one flow (BTC sold, mined or bought) per month: one per company and period (a quarter's or a
        year's flow stands at its last month)."""
        return self._points(f for f in self.facts if f.measure == measure)

    def _points(self, facts: Iterable[Fact]) -> list[dict]:
        """One chart point per company, measure and period: the same figure reported by several articles is one
        point naming all their outlets (so bars never add up one sale reported four times); where reports
        differ, the point takes the value most articles give (the latest report on a tie) and says so."""
        groups: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
        for fact in facts:
            groups[(company_key(fact.company), str(fact.measure), fact.key)].append(fact)
        points = []
        for reports in groups.values():
            votes = Counter(f.value for f in reports)
            latest = {f.value: f.published for f in reports}
            value = max(votes, key=lambda v: (votes[v], latest[v]))
            chosen = [f for f in reports if f.value == value]
            first = min(chosen, key=lambda f: f.published)
            others = sorted({f.figure for f in reports if f.value != value})
            points.append(
                {
                    "date": first.as_of,
                    "month": first.as_of[:7],
                    "value": value,
                    "company": first.company,
                    "measure": MEASURE_LABELS[first.measure],
                    "figure": first.figure,
                    "outlets": ", ".join(dict.fromkeys(f"{f.outlet} ({f.published})" for f in chosen)),
                    "sentence": first.sentence,
                    "reports differ": f"also reported: {', '.join(others)}" if others else "",
                }
            )
        return sorted(points, key=lambda p: (p["date"], p["company"]))


def facts_table(ledger: Ledger, wanted: FactFilter) -> FactsTable:
    """The ledger's rows for a filter, and their disagreements."""
    rows = ledger.rows(wanted.company, wanted.measure, wanted.since, wanted.until)
    return FactsTable(rows, disagreements(rows))


def ledger_companies(ledger: Ledger) -> list[str]:
    """The companies the ledger holds facts for, most facts first, each by the name its articles use most."""
    names: dict[str, Counter] = defaultdict(Counter)
    for fact in ledger.rows():
        names[company_key(fact.company)][fact.company] += 1
    ranked = sorted(names.values(), key=lambda counts: (-counts.total(), counts.most_common(1)[0][0]))
    return [counts.most_common(1)[0][0] for counts in ranked]
