"""Bad files get one line naming the file and the reason; good files still land; nothing stored is lost."""

import json
import os
import subprocess
import sys

import pytest

from ingest.pipeline import Ingestor

GOOD = "---\ntitle: Good one\npublished: 2026-02-01\nsource: Wire\nurl: https://w.test/g\n---\nCango mined 500 BTC.\n"

BAD_FILES = {
    "empty.md": (b"", "empty file"),
    "blank.txt": (b"   \n\n  ", "empty file"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
    "latin1.txt": ("Mining news\nCaf\u00e9 sold 5 BTC".encode("latin-1"), "not UTF-8"),
    "broken.json": (b'[{"title": "x", "body": "y"', "malformed JSON"),
    "broken.jsonl": (b'{"title": "a", "body": "b"}\n{"title": oops}\n', "line 2"),
    "badyaml.md": (b"---\ntitle: [unclosed\n---\nBody.\n", "malformed YAML"),
    "broken.rss": (b"<rss><channel><title>x</title><item><title>a</title", "malformed feed"),
    "notext.json": (json.dumps([{"title": "t"}]).encode(), "has no text"),
    "huge.md": (b"---\ntitle: Huge\n---\n" + b"word " * 60_000, "too large"),
}


@pytest.fixture
def messy(tmp_path):
    folder = tmp_path / "messy"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    for name, (data, _) in BAD_FILES.items():
        (folder / name).write_bytes(data)
    return folder


def test_each_bad_file_gets_one_clear_line_and_good_files_land(messy, make_settings, embedder):
    ingestor = Ingestor(make_settings(max_file_bytes=200_000), embedder=embedder)
    report = ingestor.ingest([messy])
    assert report.added == 1 and report.failed == len(BAD_FILES)
    for name, (_, reason) in BAD_FILES.items():
        lines = [line for line in report.errors if line.split(": ")[0].endswith("/" + name)]
        assert len(lines) == 1, (name, report.errors)
        assert reason in lines[0] and "\n" not in lines[0]


def test_failures_lose_nothing_already_stored(messy, make_settings, embedder):
    ingestor = Ingestor(make_settings(max_file_bytes=200_000), embedder=embedder)
    ingestor.ingest([messy / "good.md"])
    before = sorted(c.id for c in ingestor.store.all_chunks())
    (messy / "good.md").write_bytes(b"\x00\x01 corrupted")  # the stored article's file turns bad
    report = ingestor.ingest([messy], prune=True)
    assert report.failed == len(BAD_FILES) + 1
    assert sorted(c.id for c in ingestor.store.all_chunks()) == before
    assert "good" in ingestor.manifest.entries


def test_missing_path_and_duplicate_ids_are_reported(tmp_path, make_settings, embedder):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b" / "same.md").write_text(GOOD, encoding="utf-8")
    report = Ingestor(make_settings(), embedder=embedder).ingest([tmp_path / "a", tmp_path / "b", tmp_path / "nope"])
    assert report.added == 1
    assert any("nope: no such file" in e for e in report.errors)
    assert any("already used by" in e for e in report.errors)


@pytest.mark.slow  # a real `newsdesk ingest` process
def test_cli_exit_status_is_non_zero_when_a_file_failed(messy, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", str(messy), "--home", str(tmp_path / "cli-home")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NEWSDESK_MAX_FILE_BYTES": "200000"},
    )
    assert result.returncode == 1
    assert "empty.md: empty file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "│     1 │" in result.stdout  # one added in the summary table


def test_an_article_too_long_to_be_one_story_is_refused_naming_it_and_progress_shows_each_stage(
    tmp_path, make_settings, embedder
):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "dump.md").write_text("---\ntitle: Dump\n---\n" + "Cango mined 500 BTC. " * 2_000, encoding="utf-8")
    ingestor = Ingestor(make_settings(max_article_chars=20_000), embedder=embedder)
    calls = []
    report = ingestor.ingest([tmp_path], progress=lambda done, total, stage: calls.append((stage, done, total)))
    assert report.added == 1 and report.failed == 1
    (line,) = report.errors
    assert line.startswith(f"{tmp_path / 'dump.md'}: article 'dump' has 41,999 characters")
    assert "max_article_chars" in line
    assert calls[0] == ("preparing", 1, 1)
    stage, done, total = calls[-1]
    assert stage == "embedding" and done == total
    from ingest.article import Article

    long_post = Article(id="posted", title="Posted", text="xy " * 10_000, published=None, url="https://w.test/p")
    report = ingestor.add([long_post])
    assert report.added == 0 and len(report.errors) == 1
    assert report.errors[0].startswith("https://w.test/p: article 'posted' has 30,000 characters")
    assert "good" in ingestor.manifest.entries


def test_an_id_that_belongs_to_another_files_article_is_an_error_naming_both(tmp_path, make_settings, embedder):
    owner, intruder = tmp_path / "owner.md", tmp_path / "new" / "intruder.md"
    owner.write_text(GOOD.replace("title: Good one", "id: cango-sale\ntitle: Good one"), encoding="utf-8")
    intruder.parent.mkdir()
    intruder.write_text("---\nid: cango-sale\ntitle: Takeover\n---\nCango holds 1 BTC.\n", encoding="utf-8")
    ingestor = Ingestor(make_settings(), embedder=embedder)
    ingestor.ingest([owner])
    before = sorted(c.id for c in ingestor.store.all_chunks())
    report = ingestor.ingest([intruder.parent])
    assert (report.added, report.updated, report.failed) == (0, 0, 1)
    wanted = f"{intruder}: article id 'cango-sale' belongs to {owner}; give this article its own id"
    assert report.errors == [f"{wanted} (the stored one was not replaced)"]
    assert sorted(c.id for c in ingestor.store.all_chunks()) == before
    from ingest.article import Article

    posted = Article(id="cango-sale", title="Posted", text="Cango holds 2 BTC.", published=None, path="api:cango-sale")
    assert "belongs to" in ingestor.add([posted]).errors[0]
    assert ingestor.manifest.entries["cango-sale"].path == str(owner)
    assert ingestor.ingest([owner, intruder.parent]).errors[0].endswith(f"is already used by {owner}")  # both read
    owner.unlink()  # a file that is gone hands its id on
    assert ingestor.ingest([intruder.parent]).updated == 1
