"""What a question says about outlets and days (app/retrieval/search.py QueryHints), and how BM25 counts its words."""

from app.retrieval.search import named_days, outlet_pattern
from ingest.lexical import LexicalConfig, LexicalIndex
from ingest.store import StoredChunk


def test_an_outlet_is_named_by_its_name_before_the_section_label():
    assert outlet_pattern("FOX News - Health").search("as reported by Fox News and CNN")
    assert outlet_pattern("Cnbc | World Business News Leader").search("according to CNBC")
    assert outlet_pattern("TechCrunch").search("a techcrunch article") and not outlet_pattern("TechCrunch").search(
        "techcrunchy"
    )


def test_a_name_starting_with_the_is_matched_as_written():
    verge = outlet_pattern("The Verge")
    assert verge.search("reported by both The Verge and TechCrunch")
    assert not verge.search("the company is on the verge of collapse")


def test_days_named_in_a_question():
    question = "Between the Polygon article published on September 26, 2023 and the piece from December 7th, 2023"
    assert named_days(question) == {"2023-09-26", "2023-12-07"}
    assert named_days("in February 30, 2024 or in 2023") == frozenset()  # no such day, no day at all


def test_a_repeated_question_word_counts_once(tmp_path):
    chunks = [StoredChunk(f"c{i}", text, {}) for i, text in enumerate(["article about fraud trial", "fraud", "x y"])]
    once = LexicalIndex(tmp_path / "once", LexicalConfig(unique_query_words=True))
    twice = LexicalIndex(tmp_path / "twice", LexicalConfig(unique_query_words=False))
    once.build(chunks)
    twice.build(chunks)
    once.load()
    twice.load()
    question = "the article, the article: which fraud?"
    assert once.scores(question)[0] < twice.scores(question)[0]  # 'article' counted once
    assert once.scores(question)[1] == twice.scores(question)[1]
