"""The ledger (ingest/ledger.py) on a real embedded Chroma in tmp_path: rows, filters, replace/remove, two
stores on one folder, disagreements; and the Ingestor keeping it current (slow: it embeds)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.article import Article
from ingest.facts import Measure, extract_facts
from ingest.ledger import Ledger, disagreement_for, disagreements
from ingest.loaders import load_file
from ingest.settings import IndexSettings
from ingest.store import ChunkStore
from tests.helpers import CORPUS

MERCY = CORPUS / "articles" / "2026-01-07-riot-platforms-sells-162m-btc-december-mercynews.md"
SUPEREX = CORPUS / "articles" / "2026-01-08-riot-platforms-sells-1818-btc-december-superex.md"
CANGO = CORPUS / "articles" / "2026-02-09-cango-sells-4451-btc-theminermag.md"


def load(path: Path) -> Article:
    (article,) = load_file(path, IndexSettings())
    return article


def article(text: str, article_id: str = "cango-a", source: str = "Outlet A", published: str = "2026-02-09"):
    return Article(
        id=article_id,
        title="Cango sells bitcoin",
        text=text,
        published=datetime.fromisoformat(published).replace(tzinfo=UTC),
        source=source,
        companies=["Cango"],
        tickers=["CANG"],
    )


@pytest.fixture
def ledger(tmp_path) -> Ledger:
    return Ledger(ChunkStore(IndexSettings(home=tmp_path / "home")))


def test_rows_are_stored_filtered_and_replaced(ledger, tmp_path):
    riot, cango = load(SUPEREX), load(CANGO)
    assert ledger.replace(riot.id, extract_facts(riot)) > 2
    ledger.replace(cango.id, extract_facts(cango))
    assert ledger.count() == len(extract_facts(riot)) + len(extract_facts(cango))

    for name in ("Riot Platforms", "riot", "RIOT", "Riot Platforms, Inc."):
        assert {f.article_id for f in ledger.rows(company=name)} == {riot.id}, name
    sold = ledger.rows(company="Cango", measure=Measure.BTC_SOLD)
    assert [(f.value, f.figure, f.outlet) for f in sold] == [(4451.0, "4,451 BTC", "TheMinerMag")]
    assert sold[0].sentence in cango.text
    december = ledger.rows(since="2025-12-01", until="2025-12-31")
    assert december and all("2025-12-01" <= f.as_of <= "2025-12-31" for f in december)
    assert riot.id in {f.article_id for f in december}
    assert len(december) < ledger.count()
    every = ledger.rows()
    assert [(f.as_of, f.published) for f in every] == sorted((f.as_of, f.published) for f in every)

    # published after the month it reports: no figure is dated after its article ("notes due 2030")
    later = article("Cango sold 2,000 BTC in March 2026.", cango.id, published="2026-04-10")
    ledger.replace(cango.id, extract_facts(later))
    assert [(f.value, f.as_of) for f in ledger.rows(article_id=cango.id)] == [(2000.0, "2026-03-31")]
    ledger.replace(cango.id, [])
    assert ledger.rows(article_id=cango.id) == []
    ledger.remove(riot.id)
    assert ledger.count() == 0


def test_a_second_store_on_the_same_folder_sees_the_same_rows(ledger, tmp_path):
    riot = load(SUPEREX)
    ledger.replace(riot.id, extract_facts(riot))
    other = Ledger(ChunkStore(IndexSettings(home=tmp_path / "home")))
    assert [f.id for f in other.rows()] == [f.id for f in ledger.rows()]
    ledger.remove(riot.id)  # a write by the first is seen by the second (the generation moved)
    assert other.rows() == []
    ledger.mark_version(7)
    assert other.extractor_version == 7
    ledger.reset()
    assert ledger.extractor_version is None and ledger.count() == 0


def test_two_articles_that_disagree_are_one_disagreement_naming_both_outlets(ledger):
    mercy, superex = load(MERCY), load(SUPEREX)
    ledger.replace(mercy.id, extract_facts(mercy))
    ledger.replace(superex.id, extract_facts(superex))
    found = ledger.disagreements()
    proceeds = [d for d in found if d.measure is Measure.USD_PROCEEDS]
    assert len(proceeds) == 1
    (d,) = proceeds
    assert d.key == "2025-12" and {f.outlet for f in d.facts} == {"Mercy News", "SuperEx News"}
    assert {f.value for f in d.facts} == {162e6, 161.6e6}
    assert (
        d.summary
        == "Riot Platforms usd_proceeds in 2025-12: $162 million (Mercy News) vs $161.6 million (SuperEx News)"
    )
    rows = ledger.rows(company="Riot")
    cited = next(f for f in rows if f.value == 161.6e6)
    assert disagreement_for(cited, rows) == d
    sold = next(f for f in rows if f.measure is Measure.BTC_SOLD)
    assert disagreement_for(sold, rows) is None  # both give 1,818 BTC


def test_the_same_value_is_no_disagreement_and_different_values_are_one():
    a = extract_facts(article("Cango held 7,474.6 BTC at the end of January.", "a", "Decrypt"))
    b = extract_facts(article("Cango held 7,474.6 BTC at the end of January.", "b", "TheMinerMag"))
    c = extract_facts(article("Cango held 7,474 BTC at the end of January.", "c", "The Block"))
    assert disagreements(a + b) == []
    assert disagreements(a) == []
    (d,) = disagreements(a + b + c)
    assert d.key == "2026-01-31" and len(d.facts) == 3
    assert d.summary == ("Cango btc_held at 2026-01-31: 7,474.6 BTC (Decrypt, TheMinerMag) vs 7,474 BTC (The Block)")


def test_one_article_quoting_both_holdings_disagrees_but_a_deals_second_figure_does_not():
    both = "Cango held 7,474 BTC at the end of January. Its own update gave the end-of-January figure as 7,474.6 BTC."
    quoted = extract_facts(article(both, "minermag", "TheMinerMag"))
    seed = extract_facts(article("Cango held 7,474.6 BTC at the end of January.", "decrypt", "Decrypt"))
    assert disagreements(quoted) == []  # one article alone is no disagreement between reports
    (d,) = disagreements(quoted + seed)
    assert {f.article_id for f in d.facts} == {"minermag", "decrypt"}

    signed = "Cango signed a hosting contract worth $9.7 billion on February 2, 2026."
    (total,) = extract_facts(article(signed, "benzinga", "Benzinga"))
    prepayment = replace(total, value=674e6, figure="$674 million")  # a second figure of the same kind
    (other,) = extract_facts(article(signed, "mh", "The Machine Herald"))
    assert total.measure is Measure.CONTRACT_VALUE
    assert disagreements([total, prepayment, other]) == []
    assert disagreements([prepayment, other]) != []


# the Ingestor keeps the ledger current (embeds: slow) ------------------------------------------------------
def test_the_ingestor_keeps_the_ledger_current(tmp_path, embedder, monkeypatch):
    from ingest import pipeline
    from ingest.pipeline import Ingestor

    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(MERCY, folder)
    shutil.copy(SUPEREX, folder)
    ingestor = Ingestor(IndexSettings(home=tmp_path / "home"), embedder=embedder)
    report = ingestor.ingest([folder])
    assert report.ok and report.facts == ingestor.ledger.count() > 0
    assert {f.article_id for f in ingestor.ledger.rows()} == {load(MERCY).id, load(SUPEREX).id}
    assert ingestor.ledger.disagreements()

    changed = folder / MERCY.name
    changed.write_text(MERCY.read_text().replace("$162 million", "$170 million"))
    report = ingestor.ingest([folder])
    assert report.updated == 1
    values = {f.value for f in ingestor.ledger.rows(article_id=load(MERCY).id)}
    assert 170e6 in values and 162e6 not in values

    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", 99)
    ingestor.ledger.remove(load(SUPEREX).id)  # rows an older extractor left behind are rebuilt...
    report = ingestor.ingest([folder])
    assert report.unchanged == 2 and report.chunks_written == 0  # ...without re-embedding
    assert report.facts > 0 and ingestor.ledger.rows(article_id=load(SUPEREX).id)
    assert ingestor.ledger.extractor_version == 99

    changed.unlink()
    ingestor.ingest([folder], prune=True)
    assert ingestor.ledger.rows(article_id=load(MERCY).id) == []
    ingestor.remove([load(SUPEREX).id])
    assert ingestor.ledger.count() == 0

    report = ingestor.ingest([SUPEREX], rebuild=True)
    assert report.facts == ingestor.ledger.count() > 0


def test_a_new_extractor_re_extracts_articles_that_came_from_no_file_and_files_not_named(
    tmp_path, embedder, monkeypatch
):
    """An article posted to the API has no file to read again: its kept copy is re-extracted. A file stored by an
    earlier run and not named in this one is read again; one changed since it was stored keeps its rows."""
    from ingest import pipeline
    from ingest.pipeline import Ingestor

    home = tmp_path / "home"
    ingestor = Ingestor(IndexSettings(home=home), embedder=embedder)
    posted = replace(load(CANGO), id="posted-cango", path="api:posted-cango")
    ingestor.add([posted])
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(MERCY, folder)
    shutil.copy(SUPEREX, folder)
    ingestor.ingest([folder / MERCY.name])
    ingestor.ingest([folder / SUPEREX.name])
    superex, mercy = load(SUPEREX).id, load(MERCY).id
    before = {i: len(ingestor.ledger.rows(article_id=i)) for i in ("posted-cango", mercy, superex)}
    assert all(before.values())

    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", 99)
    for article_id in before:
        ingestor.ledger.remove(article_id)  # as an older extractor's rows would be replaced
    (folder / SUPEREX.name).write_text(SUPEREX.read_text().replace("1,818 BTC", "1,819 BTC"))
    report = Ingestor(IndexSettings(home=home), embedder=embedder).ingest([folder / MERCY.name])
    assert report.chunks_written == 0 and ingestor.ledger.extractor_version == 99
    after = {i: len(ingestor.ledger.rows(article_id=i)) for i in before}
    assert after == before | {superex: 0}  # the changed file waits for its own ingest
    ingestor.remove(["posted-cango"])
    assert not list((home / "newsdesk.articles").glob("*.json"))


def test_two_machines_on_one_chroma_server_see_one_ledger(chroma_server, tmp_path):
    first = Ledger(ChunkStore(IndexSettings(home=tmp_path / "one", chroma_url=chroma_server, collection="ledger_a")))
    second = Ledger(ChunkStore(IndexSettings(home=tmp_path / "two", chroma_url=chroma_server, collection="ledger_a")))
    riot = load(SUPEREX)
    first.replace(riot.id, extract_facts(riot))
    first.mark_version(3)
    assert [f.id for f in second.rows(company="RIOT")] == [f.id for f in first.rows()] != []
    assert second.extractor_version == 3
    assert [f.value for f in second.rows(measure="btc_sold", since="2025-12-01", until="2025-12-31")] == [1818.0]
    second.remove(riot.id)
    assert first.count() == 0
