"""The ledger as users read it: the facts of the indexed articles (ingest/ledger.py) filtered by company, measure
and as-of dates, with the reports that disagree, as a table (CLI, API, chat), as CSV and as chart series."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from app.answer.question import Analysis
from app.errors import QuestionError
from app.retrieval.filters import TimeFrame
from ingest.facts import HOLDINGS, UNIT_OF, Fact, Measure, company_key, same_company
from ingest.ledger import Disagreement, Ledger, disagreements, possessive
from ingest.store import read_generation
from ingest.text import split_sentences
from ingest.values import Unit

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
        """The bars of one flow (BTC sold, mined or bought) per month: one per company and sale or month's total.
        A quarter's or a year's total is no month's bar (it stays in the table); one figure restated in another
        article under another date of the same month (a weekend sale, then "in February") is one bar."""
        monthly = [f for f in self.facts if f.measure == measure and (not f.period or MONTH_PERIOD.match(f.period))]
        return self._points(monthly, by_month=True)

    def _points(self, facts: Iterable[Fact], by_month: bool = False) -> list[dict]:
        """One chart point per company, measure and date (or month, for flows) and figure: the same figure
        reported by several articles is one point naming all their outlets (so bars never add up one sale
        reported four times). A holding has one value per date: where reports differ, the point takes the value
        most articles give (the latest report on a tie) and says so; a month's different flows are each a bar."""
        groups: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
        for fact in facts:
            groups[(company_key(fact.company), str(fact.measure), fact.as_of[:7] if by_month else fact.key)].append(
                fact
            )
        points = []
        for reports in groups.values():
            clusters: list[list[Fact]] = []
            for fact in sorted(reports, key=lambda f: f.published):
                same = next((c for c in clusters if abs(c[0].value - fact.value) <= VALUE_SLACK * c[0].value), None)
                if same is None:
                    clusters.append([fact])
                else:
                    same.append(fact)
            if not by_month:  # a stock: the value most articles give, the latest report on a tie
                best = max(clusters, key=lambda c: (len({f.article_id for f in c}), max(f.published for f in c)))
                clusters = [best + [f for c in clusters if c is not best for f in c]]
            for cluster in clusters:
                votes = Counter(f.value for f in cluster)
                value = max(votes, key=lambda v: (votes[v], max(f.published for f in cluster if f.value == v)))
                chosen = [f for f in cluster if f.value == value]
                first = chosen[0]
                others = sorted({f.figure for f in cluster if f.value != value})
                points.append(
                    {
                        "date": first.as_of,
                        "month": first.as_of[:7],
                        "value": first.value,
                        "company": first.company,
                        "measure": MEASURE_LABELS[first.measure],
                        "figure": first.figure,
                        "outlets": ", ".join(dict.fromkeys(f"{f.outlet} ({f.published})" for f in chosen)),
                        "sentence": first.sentence,
                        "reports differ": f"also reported: {', '.join(others)}" if others else "",
                    }
                )
        return sorted(points, key=lambda p: (p["date"], p["company"]))


VALUE_SLACK = 0.005  # two reports within 0.5% give one figure ('7,474' and '7,474.6 BTC')
MONTH_PERIOD = re.compile(r"^\d{4}-\d{2}$")  # '2026-02'; not '2026-Q1' or '2026'
OUTLIER_JUMP = 10.0  # a holding or hashrate this many times the company's previous report is out of line
OUTLIER_DEAL = 5.0  # a deal figure this many times every other report of a deal with the same counterparty
OUTLIER_PEER = 4.0  # a company's first holding or hashrate this many times the largest other company's median
STOCKS = HOLDINGS | {Measure.HASHRATE_EHS}


def contradictions(rows: list[Fact]) -> list[Disagreement]:
    """The groups of reports that cannot all be right: two articles' values for one company, measure and period
    (ingest.ledger.disagreements), and a figure out of line with the company's other reports (`outliers`)."""
    same, lone = _contradictions(rows)
    return same + lone


def _contradictions(rows: list[Fact]) -> tuple[list[Disagreement], list[Disagreement]]:
    """Same-period disagreements, and the outliers not already among them."""
    same = disagreements(rows)
    seen = {f.id for group in same for f in group.facts}
    return same, [group for group in outliers(rows) if group.facts[0].id not in seen]


def outliers(rows: list[Fact]) -> list[Disagreement]:
    """A figure no other article comes near, grouped with the reports it contradicts:
    - a holding or hashrate OUTLIER_JUMP times the company's previous report by another article ('1,000,000 BTC'
      after '1,025.69 BTC'; a drop is not flagged, since treasuries are sold off);
    - a company's holding or hashrate with no earlier report of its own to compare with, OUTLIER_PEER times the
      largest company's median report ('250,000 BTC' where MARA's reports are about 53,000 BTC);
    - a deal figure OUTLIER_DEAL times every other report of the company's deals with the same counterparty
      ('$97 billion' beside Microsoft's '$9.7 billion')."""
    series: dict[tuple, list[Fact]] = defaultdict(list)
    for fact in rows:
        if fact.measure in STOCKS:
            series[(company_key(fact.company), fact.measure)].append(fact)
        elif fact.measure in (Measure.CONTRACT_VALUE, Measure.CAPACITY_MW) and fact.counterparty:
            series[(company_key(fact.company), fact.measure, company_key(fact.counterparty))].append(fact)
    scale = _scale(series)
    found = []
    for key, facts in series.items():
        facts.sort(key=lambda f: (f.as_of, f.published))
        for i, fact in enumerate(facts):
            others = [f for f in facts if f.article_id != fact.article_id]
            if len(key) == 2:
                before = [f for f in facts[:i] if f.article_id != fact.article_id and f.value > 0]
                if before:
                    against = before[-1:] if fact.value >= OUTLIER_JUMP * before[-1].value else []
                else:
                    peers = [f for (company, measure), f in scale.items() if measure == key[1] and company != key[0]]
                    top = max(peers, key=lambda f: f.value, default=None)
                    against = [top] if top is not None and fact.value >= OUTLIER_PEER * top.value > 0 else []
            else:
                against = others if others and fact.value >= OUTLIER_DEAL * max(f.value for f in others) else []
            if against:
                found.append(Disagreement(fact.company, fact.measure, fact.key, (fact, *against)))
    return found


def _scale(series: dict[tuple, list[Fact]]) -> dict[tuple, Fact]:
    """(company, measure) → the company's median report of a holding or hashrate: the scale a newcomer's first
    figure is compared with, which one planted report of the company's own does not move."""
    scale = {}
    for key, facts in series.items():
        if len(key) == 2:
            ordered = sorted(facts, key=lambda f: f.value)
            scale[key] = ordered[(len(ordered) - 1) // 2]
    return scale


def facts_table(ledger: Ledger, wanted: FactFilter) -> FactsTable:
    """The ledger's rows for a filter, and their disagreements."""
    rows = ledger.rows(wanted.company, wanted.measure, wanted.since, wanted.until)
    return FactsTable(rows, contradictions(rows))


def ledger_companies(ledger: Ledger) -> list[str]:
    """The companies the ledger holds facts for, most facts first, each by the name its articles use most."""
    names: dict[str, Counter] = defaultdict(Counter)
    for fact in ledger.rows():
        names[company_key(fact.company)][fact.company] += 1
    ranked = sorted(names.values(), key=lambda counts: (-counts.total(), counts.most_common(1)[0][0]))
    return [counts.most_common(1)[0][0] for counts in ranked]


# the ledger in answers -----------------------------------------------------------------------------------
class LedgerCache:
    """The ledger's rows (also by article), their contradictions and which rows are outvoted, read once per index
    generation (any write, by any process, moves it) so that an answer costs no Chroma round trip."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._generation: int | None = None
        self._rows: list[Fact] = []
        self._by_article: dict[str, list[Fact]] = {}
        self._disputed: dict[str, Disagreement] = {}
        self._outvoted: set[str] = set()

    def _fresh(self) -> None:
        generation = read_generation(self.ledger.store.settings)
        if generation != self._generation:
            rows = self.ledger.rows()
            same, lone = _contradictions(rows)
            self._disputed = {}
            for group in same + lone:
                for fact in group.facts:
                    self._disputed.setdefault(fact.id, group)
            self._outvoted = {g.facts[0].id for g in lone} | {f.id for g in same for f in g.facts if _fewer_votes(f, g)}
            self._by_article = defaultdict(list)
            for fact in rows:
                self._by_article[fact.article_id].append(fact)
            self._rows, self._generation = rows, generation

    def rows(self) -> list[Fact]:
        self._fresh()
        return self._rows

    def of_article(self, article_id: str) -> list[Fact]:
        self._fresh()
        return self._by_article.get(article_id, [])

    def disagreement(self, fact: Fact) -> Disagreement | None:
        self._fresh()
        return self._disputed.get(fact.id)

    def outvoted(self, fact: Fact) -> bool:
        """Other articles contradict the fact: more of them give another value for the same thing, or it is an
        outlier against the company's other reports."""
        self._fresh()
        return fact.id in self._outvoted


def _fewer_votes(fact: Fact, group: Disagreement) -> bool:
    """More articles in the group give another value than give the fact's."""
    votes: dict[float, set[str]] = defaultdict(set)
    for f in group.facts:
        votes[round(f.value, 6)].add(f.article_id)
    mine = len(votes[round(fact.value, 6)])
    return any(len(articles) > mine for value, articles in votes.items() if value != round(fact.value, 6))


def asked_measure(analysis: Analysis | None) -> Measure | None:
    """The ledger measure a question asks a figure of ('how much BTC does Cango hold' → btc_held), or None when
    it asks for none or for one the ledger does not keep."""
    if analysis is None or not (analysis.wants_value or analysis.latest or analysis.expects):
        return None
    unit = analysis.unit
    by_word = {
        "sold": Measure.USD_PROCEEDS if unit is Unit.USD else Measure.BTC_SOLD,
        "held": Measure.ETH_HELD if unit is Unit.ETH else Measure.BTC_HELD,
        "mined": Measure.BTC_MINED,
        "bought": Measure.BTC_BOUGHT,
        "raised": Measure.USD_RAISED,
    }
    by_unit = {Unit.MW: Measure.CAPACITY_MW, Unit.YEARS: Measure.LEASE_TERM_YEARS, Unit.HASHRATE: Measure.HASHRATE_EHS}
    found = by_word.get(analysis.measure) or by_unit.get(unit)
    if found is None and unit is Unit.USD and not analysis.measure and DEAL_ASKED.search(analysis.question):
        found = Measure.CONTRACT_VALUE
    if found is None or (unit is not None and UNIT_OF[found] != _unit_name(unit)):
        return None  # 'how much is its treasury worth': held, but in dollars, which the ledger does not keep
    return found


DEAL_ASKED = re.compile(r"\b(?:contract|lease|deal|agreement|acquisition)s?\b", re.I)  # dollars of a deal


def _unit_name(unit: Unit) -> str:
    return "ehs" if unit is Unit.HASHRATE else str(unit)


def facts_asked(cache: LedgerCache, analysis: Analysis | None, frame: TimeFrame) -> list[Fact]:
    """The ledger rows a question asks about: its companies' figures of the measure it asks, within the period it
    names; newest as-of first for "now / latest" and for a holding (a stock in a period is its last report in
    it), else oldest first."""
    if analysis is not None and analysis.listing:
        measure = LISTED.get(analysis.measure) if analysis.unit in (None, Unit.BTC) else None
        return listing_facts(cache, analysis, frame, measure) if measure else []
    measure = asked_measure(analysis)
    if measure is None or not analysis.companies:
        return []
    found = [
        f
        for f in cache.rows()
        if f.measure == measure
        and any(same_company(f.company, name, {f.company: f.ticker}) for name in analysis.companies)
        and _within(f, frame)
    ]
    newest_first = analysis.latest or measure in HOLDINGS
    return sorted(found, key=lambda f: (f.as_of, f.published), reverse=newest_first)


# the measures a listing question is answered from the ledger by (its best-extracted ones, evals/README.md)
LISTED = {"sold": Measure.BTC_SOLD, "held": Measure.BTC_HELD, "mined": Measure.BTC_MINED, "bought": Measure.BTC_BOUGHT}


def listing_facts(cache: LedgerCache, analysis: Analysis, frame: TimeFrame, measure: Measure) -> list[Fact]:
    """'Which miners sold bitcoin in Q1 2026?', 'who raised a billion or more?': one row per company (not the
    question's own), of the measure asked, in the period named and at least the amount it sets; the newest row
    of a holding or for 'now', else the largest. Largest first."""
    best: dict[str, Fact] = {}
    newest = analysis.latest or measure in HOLDINGS
    for fact in cache.rows():
        if fact.measure != measure or fact.value < analysis.at_least:
            continue
        if not _within(fact, frame):
            continue
        if any(same_company(fact.company, name, {fact.company: fact.ticker}) for name in analysis.companies):
            continue
        key = company_key(fact.company)
        held = best.get(key)
        if held is None or ((fact.as_of, fact.value) > (held.as_of, held.value) if newest else fact.value > held.value):
            best[key] = fact
    return sorted(best.values(), key=lambda f: -f.value)


def _within(fact: Fact, frame: TimeFrame) -> bool:
    """The fact is as of a day in the period asked, and a flow's period lies inside it: a quarter's or a year's
    output ending on September 30 does not answer 'mined in September'."""
    if (frame.start and fact.as_of < frame.start.isoformat()) or (frame.end and fact.as_of > frame.end.isoformat()):
        return False
    return not (frame.start and fact.period and _period_start(fact.period) < frame.start.isoformat())


def _period_start(period: str) -> str:
    """The first day of a fact's period: '2025-09' → 2025-09-01, '2025-Q3' → 2025-07-01, '2025' → 2025-01-01."""
    year, _, rest = period.partition("-")
    if rest.startswith("Q"):
        return f"{year}-{(int(rest[1:]) - 1) * 3 + 1:02d}-01"
    return f"{year}-{rest or '01'}-01"


def same_sentence(sentence: str, fact: Fact) -> bool:
    """A passage's sentence is the fact's (whitespace aside; a chunk may cut it, so a part holding the figure
    counts)."""
    mine, theirs = " ".join(sentence.split()), " ".join(fact.sentence.split())
    return mine == theirs or (fact.figure in mine and len(mine) > 30 and mine in theirs)


def reports_differ(cache: LedgerCache, text: str, citations: Iterable) -> list[Disagreement]:
    """The disagreements of the figures an answer states from its cited sentences: a fact counts when its
    sentence is one the answer used (any of the passage's when the answerer names none) and its figure is in the
    answer's text."""
    found: dict[tuple, Disagreement] = {}
    for citation in citations:
        sentences = citation.used_sentences or split_sentences(citation.passage)
        for fact in cache.of_article(citation.article_id):
            if _figure_number(fact) not in text or not any(same_sentence(s, fact) for s in sentences):
                continue
            group = cache.disagreement(fact)
            if group is not None:
                found[(company_key(group.company), group.measure, group.key)] = group
    return list(found.values())


def _figure_number(fact: Fact) -> str:
    """The number of a figure as written ('$161.6 million' → '161.6')."""
    match = NUMBER_IN_FIGURE.search(fact.figure)
    return match.group(0) if match else fact.figure


NUMBER_IN_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def differ_note(groups: list[Disagreement], cite: Callable[[Fact], int | None] | None = None) -> str:
    """One sentence per disagreement, for the end of an answer, each report cited where `cite` gives its
    source's number: 'Reports differ on Riot Platforms' proceeds (USD): $162 million (Mercy News [2]) vs $161.6
    million (SuperEx News [1], Valye).' Dates and outlets' details are in the Disagreement's summary."""
    notes = []
    for group in groups:
        outlets: dict[str, list[str]] = defaultdict(list)
        for fact in group.facts:
            number = cite(fact) if cite else None
            name = (fact.outlet or fact.article_id) + (f" [{number}]" if number else "")
            if name not in outlets[group.figure(fact)]:
                outlets[group.figure(fact)].append(name)
        sides = " vs ".join(f"{figure} ({', '.join(names)})" for figure, names in outlets.items())
        notes.append(f"Reports differ on {possessive(group.company)} {MEASURE_LABELS[group.measure]}: {sides}.")
    return " ".join(notes)


def sold_since(cache: LedgerCache, facts: list[Fact], text: str) -> tuple[Fact | None, list[Fact]]:
    """For an answer that states a company's coin holding (one of `facts`, the rows its question asked about):
    that holding, and the sales of the company the ledger dates after it when no later holding is reported, oldest
    first, one row per figure (the one that names a period): 'MARA held 53,822 BTC at December 31, 2025' is not
    what it holds now when it sold 15,133 BTC in March 2026."""
    held = next((f for f in facts if f.measure == Measure.BTC_HELD and _figure_number(f) in text), None)
    if held is None:
        return None, []

    def its(fact: Fact) -> bool:
        return same_company(fact.company, held.company, {fact.company: fact.ticker})

    rows = [f for f in cache.rows() if its(f) and f.as_of > held.as_of]
    if any(f.measure == Measure.BTC_HELD for f in rows):
        return held, []
    sales: dict[float, Fact] = {}  # one row per sale: the same figure in several reports, the one with a period
    for fact in sorted(rows, key=lambda f: (not f.period, f.as_of, f.published)):
        if fact.measure == Measure.BTC_SOLD:
            sales.setdefault(round(fact.value), fact)
    return held, sorted(sales.values(), key=lambda f: f.as_of)


def since_note(held: Fact, sales: list[Fact], cite: Callable[[Fact], int | None]) -> str:
    """'Reported after that figure: MARA Holdings sold 15,133 bitcoin by March 25, 2026 [3].' (`sales` not empty.)
    Several sales are listed apart ('1,080 BTC in January 2026 [3]; 3,778 BTC in Q1 2026 [4]'): a quarter's may
    hold a month's."""
    parts = []
    for fact in sales[:SINCE_MAX]:
        number = cite(fact)
        parts.append(f"{fact.figure} {_when(fact)}" + (f" [{number}]" if number else ""))
    return f"Reported after that figure: {held.company} sold {'; '.join(parts)}."


SINCE_MAX = 2  # sales named after a holding at most


def _when(fact: Fact) -> str:
    """A row's period as a reader says it: 'in March 2026', 'in Q1 2026', else its day: 'by March 25, 2026'."""
    month = re.fullmatch(r"(\d{4})-(\d{2})", fact.period)
    if month:
        return f"in {date(int(month.group(1)), int(month.group(2)), 1):%B %Y}"
    quarter = re.fullmatch(r"(\d{4})-Q([1-4])", fact.period)
    if quarter:
        return f"in Q{quarter.group(2)} {quarter.group(1)}"
    day = date.fromisoformat(fact.as_of)
    return f"by {day:%B} {day.day}, {day.year}"
