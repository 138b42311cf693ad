import json
from pathlib import Path

import pytest

from app.errors import IngestError
from app.settings import Settings
from ingest.loaders import is_article_file, load_file
from tests.helpers import CORPUS, SHARED

SETTINGS = Settings()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_front_matter(tmp_path):
    path = write(
        tmp_path / "riot.md",
        "---\ntitle: Riot sells 1,000 BTC\npublished: 2026-01-05\nsource: The Block\nurl: https://x.test/a\n"
        "companies: [Riot Platforms]\ntickers: [RIOT]\ntopics: [sale]\n---\nRiot sold 1,000 BTC in December.\n",
    )
    article = load_file(path, SETTINGS)[0]
    assert (article.id, article.title, article.published_iso) == ("riot", "Riot sells 1,000 BTC", "2026-01-05")
    assert (article.source, article.url, article.companies, article.tickers) == (
        "The Block",
        "https://x.test/a",
        ["Riot Platforms"],
        ["RIOT"],
    )
    assert article.text == "Riot sold 1,000 BTC in December."


def test_text_file_title_and_date_from_text(tmp_path):
    path = write(tmp_path / "note.txt", "Miner update\nPublished March 3, 2026 by staff\nIt mined 500 BTC.\n")
    article = load_file(path, SETTINGS)[0]
    assert article.title == "Miner update"
    assert article.published_iso == "2026-03-03"


def test_html_page_main_text_and_metadata(tmp_path):
    story = " ".join(f"Sentence {i} says the miner sold 2,000 BTC in March 2026 to repay its loan." for i in range(12))
    page = f"""<html><head><title>Cango sells 2,000 BTC</title>
    <meta property="article:published_time" content="2026-04-08T10:00:00Z">
    <meta name="author" content="Jane Doe"><meta property="og:site_name" content="Example News">
    <link rel="canonical" href="https://example.test/cango"></head>
    <body><nav><a href="/">Home</a> <a href="/markets">Markets</a></nav>
    <article><h1>Cango sells 2,000 BTC</h1><p>{story}</p></article>
    <aside><h3>Newsletter</h3><p>Sign up for our daily newsletter.</p></aside>
    <footer>Copyright 2026 Example News. All rights reserved.</footer></body></html>"""
    article = load_file(write(tmp_path / "cango.html", page), SETTINGS)[0]
    assert article.title == "Cango sells 2,000 BTC"
    assert article.published_iso == "2026-04-08"
    assert article.source == "Example News"
    assert article.authors == ["Jane Doe"]
    assert "sold 2,000 BTC" in article.text
    assert "newsletter" not in article.text.lower() and "All rights reserved" not in article.text
    assert article.text.startswith("Sentence 0")  # the h1 repeats the title: not glued to the first sentence


def test_jsonl_records_and_configurable_fields(tmp_path):
    rows = [{"headline": "A", "story": "Alpha text.", "when": "2025-12-01"}, {"headline": "B", "story": "Beta."}]
    path = write(tmp_path / "items.jsonl", "\n".join(json.dumps(r) for r in rows))
    settings = Settings(json_text_fields=["story"], json_title_fields=["headline"], json_date_fields=["when"])
    articles = load_file(path, settings)
    assert [a.title for a in articles] == ["A", "B"]
    assert articles[0].published_iso == "2025-12-01"
    assert len({a.id for a in articles}) == 2


def test_rss_feed_one_article_per_entry(tmp_path):
    items = "".join(
        f"<item><title>Brief {i}</title><link>https://feed.test/{i}</link>"
        f"<pubDate>Mon, 0{i} Feb 2026 10:00:00 GMT</pubDate><category>Cango</category>"
        f"<description>&lt;p&gt;Brief number {i} about bitcoin miners selling BTC.&lt;/p&gt;</description></item>"
        for i in (1, 2, 3)
    )
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Briefs</title>{items}</channel></rss>'
    articles = load_file(write(tmp_path / "briefs.rss", feed), SETTINGS)
    assert [a.title for a in articles] == ["Brief 1", "Brief 2", "Brief 3"]
    assert articles[1].published_iso == "2026-02-02"
    assert articles[0].companies == ["Cango"]
    assert articles[0].url == "https://feed.test/1"
    assert "Brief number 1" in articles[0].text and "<p>" not in articles[0].text


@pytest.mark.skipif(not (SHARED / "benchmarks/multihop-rag/corpus.partial.json").exists(), reason="no ../shared")
def test_multihop_corpus_loads_as_is():
    articles = load_file(SHARED / "benchmarks/multihop-rag/corpus.partial.json", SETTINGS)
    assert len(articles) == 609
    assert len({a.id for a in articles}) == 609
    assert all(a.title and a.text for a in articles)


def test_every_shipped_corpus_file_loads_with_metadata():
    ids: dict[str, str] = {}
    files = [p for p in CORPUS.rglob("*") if is_article_file(p)]
    assert len(files) >= 40
    for path in files:
        for article in load_file(path, SETTINGS):
            assert article.title and article.text, path
            assert article.published is not None, f"{path}: no date"
            assert article.source, f"{path}: no source"
            assert article.url.startswith("http"), f"{path}: no url"
            assert article.id not in ids, f"{path}: id {article.id} also in {ids.get(article.id)}"
            ids[article.id] = str(path)


def test_unsupported_suffix_is_a_clear_error(tmp_path):
    with pytest.raises(IngestError, match=r"data\.csv: unsupported file type"):
        load_file(write(tmp_path / "data.csv", "a,b"), SETTINGS)


def test_a_one_paragraph_text_file_is_the_story(tmp_path):
    story = "Cango sold 2,000 BTC in March 2026 to repay loans. It now holds about 1,026 BTC."
    article = load_file(write(tmp_path / "brief.txt", story), SETTINGS)[0]
    assert article.title == "Cango sold 2,000 BTC in March 2026 to repay loans."
    assert "1,026 BTC" in article.text


@pytest.mark.parametrize("published", ["tomorrow", "Tuesday", "2099-01-01"])
def test_a_publication_date_that_is_not_one_is_a_clear_error(tmp_path, published):
    path = write(tmp_path / "a.md", f"---\ntitle: T\npublished: {published}\n---\nCango sold 2,000 BTC.\n")
    with pytest.raises(IngestError, match=r"a\.md: published .*(not a date|in the future)"):
        load_file(path, SETTINGS)


def test_one_bad_json_record_does_not_lose_the_good_ones(tmp_path):
    records = [
        {"title": "Good", "text": "Cango sold 2,000 BTC."},
        {"title": "No text"},
        {"title": "Also good", "text": "Riot sold 1,818 BTC."},
    ]
    path = write(tmp_path / "batch.json", json.dumps(records))
    errors: list[str] = []
    articles = load_file(path, SETTINGS, errors)
    assert [a.title for a in articles] == ["Good", "Also good"]
    assert len(errors) == 1 and "batch.json: record 2 has no text" in errors[0]
    with pytest.raises(IngestError, match="record 2"):
        load_file(path, SETTINGS)  # without a place for errors, the file fails as a whole
