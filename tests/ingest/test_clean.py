from app.settings import Settings
from ingest.clean import clean_text
from ingest.loaders import load_file
from tests.helpers import SEED

FURNITURE = [
    "RECENT PRESS RELEASES",
    "Daily Debrief Newsletter",
    "Start every day with the top news stories",
    "SWI Editorial Staff",
    "After rapid growth, clean energy jobs are taking a hit",
    "Is Bitcoin a No-Brainer Buy",
    "Related Post",
]


def story_paragraphs() -> list[str]:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    end = lines.index("Daily Debrief Newsletter")
    return [line for line in lines[2:end] if line.strip()]  # after the title and date lines


def test_seed_cleaning_drops_furniture_and_keeps_every_story_paragraph():
    article = load_file(SEED, Settings())[0]
    for furniture in FURNITURE:
        assert furniture not in article.text
    assert article.text.splitlines()[0] == "In brief"
    for paragraph in story_paragraphs():
        assert paragraph in article.text
    assert "Search" not in article.text.splitlines()


def test_seed_metadata():
    article = load_file(SEED, Settings())[0]
    assert article.title == "Bitcoin Miner Cango Dumps $305 Million in BTC to Fuel AI Pivot"
    assert article.published_iso == "2026-02-09"
    assert article.source == "Decrypt"
    assert article.url.startswith("https://")
    assert "February 9, 2026" not in article.text.splitlines()


def test_clean_text_whitespace_and_inline_furniture():
    raw = "Title line\n\n\n\nA  story\u00a0sentence.\nAdvertisement\nSubscribe to our newsletter\nMore  text."
    assert clean_text(raw) == "Title line\n\nA story sentence.\nMore text."


def test_tail_marker_early_in_text_is_not_a_cut():
    # A heading that looks like furniture right at the top must not wipe the story.
    assert "The story." in clean_text("Related posts\nThe story.\nMore story.\nEven more.")
