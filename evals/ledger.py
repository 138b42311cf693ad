"""The ledger eval: the extractor (ingest/facts.py) against hand-labelled facts (evals/sets/ledger.jsonl).

One line per article: {"article", "path", "title", "published", "split", "facts": [{company, measure, value, unit,
as_of, period, counterparty, quote}]}. Each labelled article is loaded from its file (paths relative to the repo),
its facts extracted, and predicted rows matched one-to-one to gold rows: same measure, company loosely equal
(case, suffixes, ticker), value within VALUE_TOLERANCE (relative), as_of exact. A gold row missed only on its as_of
(a predicted row of the same measure, company and value but another date) is counted apart. Precision, recall and
F1 per measure and overall (micro)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evals.evalset import SETS_DIR, SPLITS, EvalSetError
from ingest.errors import IngestError
from ingest.facts import Fact, Measure, same_company
from ingest.loaders import load_file
from ingest.settings import IndexSettings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SET = SETS_DIR / "ledger.jsonl"
VALUE_TOLERANCE = 0.005  # 7,474 and 7,474.6 BTC are one value; 7,474 and 7,528 are not
GOLD_FIELDS = ("company", "measure", "value", "as_of")


@dataclass(frozen=True)
class GoldFact:
    company: str
    measure: str
    value: float
    as_of: str
    unit: str = ""
    period: str = ""
    counterparty: str = ""
    quote: str = ""


@dataclass(frozen=True)
class LabelledArticle:
    article: str
    path: str
    title: str
    published: str
    split: str
    facts: tuple[GoldFact, ...]


def load_ledger_set(path: str | Path = DEFAULT_SET, split: str | None = None) -> list[LabelledArticle]:
    """The labelled articles of a set (one half of it with `split`); a bad line is an EvalSetError naming it."""
    path = Path(path)
    if split is not None and split not in SPLITS:
        raise EvalSetError(f"--split {split!r}: use one of {', '.join(SPLITS)}")
    if not path.is_file():
        raise EvalSetError(f"{path}: no such ledger set")
    articles = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
            facts = []
            for i, fact in enumerate(row.get("facts", [])):
                missing = [name for name in GOLD_FIELDS if name not in fact]
                if missing:
                    raise EvalSetError(f"{where}: fact {i} has no {', '.join(missing)}")
                if fact["measure"] not in set(Measure):
                    raise EvalSetError(f"{where}: fact {i} measure {fact['measure']!r} is not a ledger measure")
                known = {k: v for k, v in fact.items() if k in GoldFact.__dataclass_fields__}
                facts.append(GoldFact(**{**known, "value": float(fact["value"])}))
            article = LabelledArticle(
                row["article"],
                row["path"],
                row.get("title", ""),
                row.get("published", ""),
                row.get("split", ""),
                tuple(facts),
            )
        except json.JSONDecodeError as exc:
            raise EvalSetError(f"{where}: not JSON ({exc.msg})") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise EvalSetError(f"{where}: bad line ({exc!r})") from exc
        if split is None or article.split == split:
            articles.append(article)
    return articles


@dataclass
class MeasureScore:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    as_of_missed: int = 0  # gold rows whose value was found with another as_of

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    def add(self, other: MeasureScore) -> None:
        for name in ("gold", "predicted", "matched", "as_of_missed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def to_dict(self) -> dict:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class ArticleResult:
    article: str
    matched: list[tuple[GoldFact, Fact]] = field(default_factory=list)
    missed: list[GoldFact] = field(default_factory=list)  # false negatives
    extra: list[Fact] = field(default_factory=list)  # false positives
    as_of_missed: list[tuple[GoldFact, Fact]] = field(default_factory=list)


def _value_close(a: float, b: float) -> bool:
    return abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b), 1e-9)


def _same(gold: GoldFact, fact: Fact, tickers: dict[str, str]) -> bool:
    return (
        str(fact.measure) == gold.measure
        and _value_close(gold.value, fact.value)
        and same_company(fact.company, gold.company, tickers)
    )


def match_article(article: str, gold: list[GoldFact], predicted: list[Fact]) -> ArticleResult:
    """One-to-one matching of predicted rows to gold rows (greedy in gold order, exact as_of first)."""
    result = ArticleResult(article)
    tickers = {fact.company: fact.ticker for fact in predicted if fact.ticker}
    left = list(predicted)
    unmatched: list[GoldFact] = []
    for g in gold:
        hit = next((f for f in left if _same(g, f, tickers) and f.as_of == g.as_of), None)
        if hit is None:
            unmatched.append(g)
            continue
        left.remove(hit)
        result.matched.append((g, hit))
    for g in unmatched:
        near = next((f for f in left if _same(g, f, tickers)), None)
        if near is not None:
            result.as_of_missed.append((g, near))
        result.missed.append(g)
    result.extra = left
    return result


@dataclass
class LedgerScore:
    set_path: str
    split: str | None
    articles: int
    by_measure: dict[str, MeasureScore]
    overall: MeasureScore
    results: list[ArticleResult]

    def to_dict(self) -> dict:
        return {
            "set": self.set_path,
            "split": self.split,
            "articles": self.articles,
            "overall": self.overall.to_dict(),
            "by_measure": {m: s.to_dict() for m, s in self.by_measure.items()},
        }


def score(results: list[ArticleResult], set_path: str = "", split: str | None = None) -> LedgerScore:
    by_measure = {str(m): MeasureScore() for m in Measure}
    for result in results:
        for g, _ in result.matched:
            by_measure[g.measure].matched += 1
            by_measure[g.measure].gold += 1
            by_measure[g.measure].predicted += 1
        for g in result.missed:
            by_measure[g.measure].gold += 1
        for g, _ in result.as_of_missed:
            by_measure[g.measure].as_of_missed += 1
        for f in result.extra:
            by_measure[str(f.measure)].predicted += 1
    overall = MeasureScore()
    for measure_score in by_measure.values():
        overall.add(measure_score)
    by_measure = {m: s for m, s in by_measure.items() if s.gold or s.predicted}
    return LedgerScore(set_path, split, len(results), by_measure, overall, results)


def article_facts(labelled: LabelledArticle, root: Path = ROOT) -> list[Fact]:
    """The extractor's facts for one labelled article, read from its file."""
    from ingest.facts import extract_facts

    path = root / labelled.path
    try:
        found = load_file(path, IndexSettings())
    except IngestError as exc:
        raise EvalSetError(f"article {labelled.article!r}: {exc}") from exc
    article = next((a for a in found if a.id == labelled.article), None)
    if article is None:
        raise EvalSetError(f"{path}: holds no article with id {labelled.article!r}")
    return extract_facts(article)


def evaluate(set_path: str | Path = DEFAULT_SET, split: str | None = None, root: Path = ROOT) -> LedgerScore:
    """The extractor scored against a labelled set (or one half of it)."""
    labelled = load_ledger_set(set_path, split)
    if not labelled:
        raise EvalSetError(f"{set_path}: no labelled articles" + (f" in the {split} split" if split else ""))
    results = [match_article(a.article, list(a.facts), article_facts(a, root)) for a in labelled]
    return score(results, str(set_path), split)
