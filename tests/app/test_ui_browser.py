"""The web chat in a real browser (Debian chromium via playwright): a streamed, cited answer, the sources panel
with the used sentence highlighted, a follow-up, New chat, the token cookie — and no request leaves loopback."""

import shutil
from urllib.parse import urlparse

import pytest

from tests.helpers import TOKEN

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
CANGO = "How much bitcoin did Cango sell to repay its loan?"
BOT = "#nd-chat [data-testid='bot']"

pytestmark = [
    pytest.mark.slow,
    # gradio's queue statistics use pandas options that pandas 3 deprecates; not ours to fix
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting'", "ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (`make browser` does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records every host it sends a request to."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.hosts = set()
    page.on("request", lambda request: page.hosts.add(urlparse(request.url).hostname or request.url.split(":")[0]))
    yield page
    context.close()


def ask(page, question: str, answers_before: int) -> str:
    page.fill("#nd-question textarea", question)
    page.click("#nd-ask")
    # streaming is over when the answer's markers have become links (the last update of the turn)
    page.wait_for_function(
        """([selector, count]) => {
            const bots = document.querySelectorAll(selector);
            return bots.length > count && bots[bots.length - 1].querySelector('a[href^="http"]') !== null;
        }""",
        arg=[BOT, answers_before],
        timeout=60_000,
    )
    return page.locator(BOT).nth(answers_before).inner_text()


def outside_hosts(page) -> set:
    return {h for h in page.hosts if h not in LOOPBACK and h not in ("data", "blob")}


def test_chat_answers_cites_follows_up_and_stays_on_loopback(page, server_url, tmp_path):
    page.goto(server_url + "/")
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    page.wait_for_function("document.querySelector('#nd-status').innerText.includes('articles')", timeout=30_000)
    status = page.inner_text("#nd-status")
    assert "chunks" in status and "newest article" in status
    page.click("#nd-answerer input")  # the answerer list marks the ones that cannot run
    page.get_by_text("OpenAI-compatible LLM — not configured").wait_for(timeout=10_000)  # no endpoint in tests
    page.keyboard.press("Escape")

    first = ask(page, CANGO, 0)
    assert "4,451" in first and "[1]" in first
    marker = (
        page.locator(BOT).first.locator("a", has_text="[1]").first
    )  # the direct line and its sentence both cite [1]
    assert marker.get_attribute("href").startswith("http")
    assert marker.get_attribute("target") == "_blank"

    panel = page.locator("#nd-sources")
    assert any("4,451" in marked for marked in panel.locator("mark").all_inner_texts())  # the quoted sentences
    source_link = panel.locator(".nd-source a").first
    assert source_link.get_attribute("target") == "_blank"
    assert any(name in panel.inner_text() for name in ("TheMinerMag", "Decrypt"))

    second = ask(page, "How much does it still hold?", 1)
    assert second != first and "Cango" in second and "BTC" in second
    page.wait_for_function("document.querySelector('#nd-sources mark') !== null")
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    shutil.copy(tmp_path / "chat.png", "/tmp/newsdesk-chat.png")

    page.click("#nd-new")
    page.wait_for_function(f'document.querySelectorAll("{BOT}").length === 0')
    assert page.locator("#nd-sources mark").count() == 0

    assert not outside_hosts(page), f"requests left loopback: {outside_hosts(page)}"


def test_bad_filter_is_shown_in_the_chat(page, server_url):
    page.goto(server_url + "/")
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    page.fill("#nd-since textarea, #nd-since input", "2026-02-30")
    page.fill("#nd-question textarea", CANGO)
    page.click("#nd-ask")
    page.wait_for_function(
        f"[...document.querySelectorAll(\"{BOT}\")].some(b => b.innerText.includes('filters.since'))", timeout=30_000
    )
    assert not outside_hosts(page)


def test_token_in_the_url_opens_the_chat(page, token_server_url):
    page.goto(token_server_url + "/")
    assert "missing or wrong token" in page.content()
    page.goto(f"{token_server_url}/?token={TOKEN}")
    assert urlparse(page.url).query == ""  # the token left the address bar for a cookie
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    assert "4,451" in ask(page, CANGO, 0)
    assert not outside_hosts(page)


def test_ledger_tab_filters_to_one_company_and_charts_its_dated_figures(page, server_url, assistant, tmp_path):
    from ingest.facts import Measure

    held = assistant.ledger.rows(company="Cango", measure=Measure.BTC_HELD)
    everything = assistant.ledger.rows()
    assert len(held) >= 2 and any(not f.company.startswith("Cango") for f in everything)
    page.goto(server_url + "/")
    page.get_by_role("tab", name="Ledger").click()
    page.click("#nd-ledger-company input")
    page.get_by_role("option", name="Cango", exact=True).click()
    page.wait_for_function("document.querySelector('#nd-ledger-note').innerText.includes('facts')", timeout=30_000)
    cango = assistant.ledger.rows(company="Cango")
    assert page.inner_text("#nd-ledger-note").startswith(f"{len(cango)} facts")
    for chart in ("#nd-ledger-holdings", "#nd-ledger-sold", "#nd-ledger-mined"):  # drawn, with Cango's legend
        page.wait_for_selector(f"{chart} canvas, {chart} svg", timeout=30_000)
        assert "Cango" in page.inner_text(chart)
    page.screenshot(path=str(tmp_path / "ledger.png"), full_page=True)
    shutil.copy(tmp_path / "ledger.png", "/tmp/newsdesk-ledger.png")

    page.click("#nd-ledger-measure input")  # its holdings alone: a long table renders only the rows in view
    page.get_by_role("option", name="BTC held", exact=True).click()
    note = f"{len(held)} facts"
    page.wait_for_function(f"document.querySelector('#nd-ledger-note').innerText.startsWith('{note}')")
    table = page.inner_text("#nd-ledger-table")
    for fact in held:  # every dated holding is a row of the table: its as-of date and its figure
        assert fact.as_of in table and fact.figure in table
    rows = [row for row in page.locator("#nd-ledger-table [role=row]").all_inner_texts() if "BTC held" in row]
    assert len(rows) == len(held) and all("Cango" in row for row in rows)
    assert not outside_hosts(page), f"requests left loopback: {outside_hosts(page)}"


# the sources panel's HTML, rendered from Answer records --------------------------------------------------
def make_answer(**flags):
    from app.answer.base import Answer, Citation, Flags

    citation = Citation(
        n=1,
        chunk_id="a::0",
        article_id="a",
        title="Miner <b>sells</b>",
        source="Wire",
        published="2026-01-02",
        url="javascript:alert(1)",
        passage="First  sentence here. It sold 1,000 BTC for   $90 million. Last one.",
        used_sentences=["It sold 1,000 BTC for $90 million."],
    )
    return Answer("q", "It sold 1,000 BTC [1] and 7 more [2].", [citation], Flags(**flags), "grounded")


def test_sources_panel_marks_used_sentences_and_escapes():
    from app.ui import linked_answer, sources_html

    panel = sources_html(make_answer())
    assert "<mark>It sold 1,000 BTC for $90 million.</mark>" in panel
    assert "&lt;b&gt;sells&lt;/b&gt;" in panel and "<b>" not in panel
    assert "javascript:" not in panel  # only http(s) addresses become links
    assert "Unverified" not in panel
    assert linked_answer(make_answer()) == "It sold 1,000 BTC [1] and 7 more [2]."


def test_sources_panel_flags_unverified_figures():
    from app.ui import sources_html

    panel = sources_html(make_answer(unverified=True, unverified_figures=["$95 million"]))
    assert "nd-flag" in panel and "Unverified figures: $95 million" in panel
