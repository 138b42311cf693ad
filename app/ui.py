"""The web chat (Gradio): a streaming conversation whose `[n]` markers link to their sources, a sources panel
with the used sentences highlighted, filters, the answerer choice and the index status. It calls no outside
host: analytics are off and the theme uses system fonts only."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # must be set before gradio is imported

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from app.answer.base import Answer, Citation  # noqa: E402
from app.answer.registry import SPECS  # noqa: E402
from app.articles import Desk  # noqa: E402
from app.assistant import Assistant  # noqa: E402
from app.errors import NewsdeskError  # noqa: E402
from app.feedback import FeedbackIn, FeedbackLog  # noqa: E402
from app.ledger import MEASURE_LABELS, FactFilter, FactsTable, facts_table, ledger_companies  # noqa: E402
from app.settings import Settings  # noqa: E402
from ingest.facts import Measure  # noqa: E402
from ingest.pipeline import IngestReport  # noqa: E402
from ingest.stats import index_stats  # noqa: E402

EXAMPLES = [
    "How much bitcoin did Cango sell to repay its loan?",
    "Which miners sold all their bitcoin?",
    "What is IREN's contract with Microsoft worth?",
    "How much BTC did Riot hold at the end of December 2025?",
]
MARKER = re.compile(r"\[(\d+)\]")
MEASURE_CHOICES = [("all measures", "")] + [(label, str(measure)) for measure, label in MEASURE_LABELS.items()]
POINT_TOOLTIP = ["company", "figure", "date", "outlets", "sentence", "reports differ"]
POINT_COLUMNS = ["date", "month", "value", "company", "figure", "outlets", "sentence", "reports differ"]
TABLE_COLUMNS = ("as of", "period", "company", "measure", "figure", "counterparty", "outlet", "published", "sentence")
EMPTY_SOURCES = '<div class="nd-empty">Sources of the latest answer appear here.</div>'
CSS = """
#nd-sources { max-height: 640px; overflow-y: auto; }
.nd-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.nd-source .nd-title { font-weight: 600; }
.nd-source .nd-meta { color: var(--body-text-color-subdued); font-size: 0.85em; margin: 2px 0 6px; }
.nd-source .nd-passage { font-size: 0.9em; line-height: 1.45; }
.nd-source mark { background: #fde68a; color: inherit; padding: 0 1px; }
.nd-flag { background: #fee2e2; color: #991b1b; border-radius: 6px; padding: 6px 10px; margin-bottom: 8px; }
.nd-note { color: var(--body-text-color-subdued); margin-bottom: 8px; }
.nd-empty { color: var(--body-text-color-subdued); padding: 8px; }
.nd-trace { font-size: 0.85em; color: var(--body-text-color-subdued); margin-top: 6px; }
.nd-trace td, .nd-trace th { padding: 1px 6px; }
"""


def theme() -> gr.themes.Base:
    """The default look with system fonts, so the browser fetches no web fonts."""
    return gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])


def build_ui(assistant: Assistant, settings: Settings, desk: Desk | None = None) -> gr.Blocks:
    ready = assistant.answerers()
    default = settings.answerer if ready.get(settings.answerer) else "grounded"
    answerer_choices = [(SPECS[name].label + ("" if ok else " — not configured"), name) for name, ok in ready.items()]

    handlers = ChatHandlers(assistant, desk or Desk(assistant))
    with gr.Blocks(title="newsdesk", analytics_enabled=False) as demo:
        history = gr.State([])
        trace_ids = gr.State({})  # chat message index (as a string) → the trace id of the answer it shows
        with gr.Row(equal_height=True):
            gr.Markdown("## newsdesk — ask the news, check the sources")
            status = gr.Markdown(elem_id="nd-status")
        with gr.Tabs(elem_id="nd-tabs"):
            with gr.Tab("Chat", id="chat"):
                with gr.Accordion("Filters and answerer", open=True):
                    with gr.Row():
                        since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD", elem_id="nd-since")
                        until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="nd-until")
                        source = gr.Dropdown([("any outlet", "")], value="", label="Outlet", elem_id="nd-source")
                        company = gr.Dropdown([("any company", "")], value="", label="Company", elem_id="nd-company")
                        answerer = gr.Dropdown(answerer_choices, value=default, label="Answerer", elem_id="nd-answerer")
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Chat",
                            elem_id="nd-chat",
                            height=560,
                            latex_delimiters=[],
                            feedback_options=("Like", "Dislike"),  # thumbs on every answer (ChatHandlers.feedback)
                            buttons=["copy"],
                            placeholder="Ask about the indexed news; every answer cites its sources.",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="Ask a question…",
                                show_label=False,
                                scale=6,
                                elem_id="nd-question",
                                autofocus=True,
                            )
                            ask = gr.Button("Ask", variant="primary", scale=0, min_width=100, elem_id="nd-ask")
                            new_chat = gr.Button("New chat", scale=0, min_width=120, elem_id="nd-new")
                        with gr.Row():
                            feedback_note = gr.Textbox(
                                placeholder="Optional note sent with your 👍/👎 (what was wrong, what the answer should be)",
                                show_label=False,
                                scale=6,
                                elem_id="nd-feedback-note",
                            )
                            feedback_status = gr.Markdown(elem_id="nd-feedback-status")
                        gr.Examples(EXAMPLES, inputs=[question], label="Examples")
                    with gr.Column(scale=2):
                        gr.Markdown("### Sources")
                        sources = gr.HTML(EMPTY_SOURCES, elem_id="nd-sources")
                with gr.Accordion("Add articles", open=False, elem_id="nd-add"):
                    with gr.Row():
                        uploads = gr.File(
                            label="Files (Markdown, text, HTML, JSON/JSONL, RSS/Atom)",
                            file_count="multiple",
                            type="filepath",
                            elem_id="nd-add-files",
                        )
                        with gr.Column():
                            add_url = gr.Textbox(
                                label="Or the url of a feed or an article page",
                                placeholder="https://…",
                                elem_id="nd-add-url",
                            )
                            add = gr.Button("Add to the index", elem_id="nd-add-button")
                    add_report = gr.Markdown(elem_id="nd-add-report")
            with gr.Tab("Ledger", id="ledger", elem_id="nd-ledger-tab"):
                gr.Markdown(
                    "Every sale, holding, production figure and deal the articles report, dated and cited. "
                    "Hover a point for its outlet, date and sentence; ≠ marks a figure another article "
                    "reports differently."
                )
                with gr.Row():
                    ledger_company = gr.Dropdown(
                        [("all companies", "")], value="", label="Company", elem_id="nd-ledger-company"
                    )
                    ledger_measure = gr.Dropdown(
                        MEASURE_CHOICES, value="", label="Measure", elem_id="nd-ledger-measure"
                    )
                    ledger_since = gr.Textbox(label="From (as of)", placeholder="YYYY-MM-DD", elem_id="nd-ledger-since")
                    ledger_until = gr.Textbox(label="To (as of)", placeholder="YYYY-MM-DD", elem_id="nd-ledger-until")
                    ledger_show = gr.Button("Show", variant="primary", scale=0, min_width=100, elem_id="nd-ledger-show")
                ledger_note = gr.Markdown(elem_id="nd-ledger-note")
                holdings_plot = gr.LinePlot(
                    x="date",
                    y="value",
                    color="company",
                    title="Bitcoin held",
                    x_title="as of",
                    x_axis_format="%Y-%m-%d",
                    y_title="BTC",
                    tooltip=POINT_TOOLTIP,
                    elem_id="nd-ledger-holdings",
                )
                with gr.Row():
                    sold_plot = flow_plot("Bitcoin sold per month", "nd-ledger-sold")
                    mined_plot = flow_plot("Bitcoin mined per month", "nd-ledger-mined")
                ledger_table = gr.Dataframe(
                    headers=list(TABLE_COLUMNS),
                    interactive=False,
                    wrap=True,
                    column_widths=["100px", "80px", "120px", "120px", "120px", "110px", "110px", "100px", "40%"],
                    elem_id="nd-ledger-table",
                    label="Facts",
                )
                ledger_disagreements = gr.HTML(elem_id="nd-ledger-disagreements")

        inputs = [question, chatbot, history, since, until, source, company, answerer]
        outputs = [chatbot, history, sources, question]
        for event in (question.submit, ask.click):
            event(handlers.respond, inputs, outputs, concurrency_limit=None).then(
                traced_messages, [chatbot, trace_ids], [chatbot, trace_ids], queue=False
            )
        new_chat.click(lambda: ([], [], EMPTY_SOURCES, "", {}), None, [*outputs, trace_ids], queue=False)
        chatbot.clear(lambda: ([], EMPTY_SOURCES, {}), None, [history, sources, trace_ids], queue=False)
        chatbot.like(handlers.feedback, [trace_ids, feedback_note], [feedback_status, feedback_note], queue=False)

        add.click(handlers.add_articles, [uploads, add_url], [add_report, uploads, add_url]).then(
            handlers.refresh, None, [status, source, company], queue=False
        )

        ledger_inputs = [ledger_company, ledger_measure, ledger_since, ledger_until]
        ledger_outputs = [holdings_plot, sold_plot, mined_plot, ledger_table, ledger_disagreements, ledger_note]
        for event in (ledger_show.click, ledger_company.change, ledger_measure.change):
            event(handlers.ledger, ledger_inputs, ledger_outputs)
        demo.load(handlers.ledger_companies, None, [ledger_company], queue=False)
        demo.load(handlers.refresh, None, [status, source, company], queue=False)
    demo.queue(default_concurrency_limit=None)
    return demo


def flow_plot(title: str, elem_id: str) -> gr.BarPlot:
    """A ledger chart of one flow: BTC per month, a bar per company, each point's report on hover."""
    return gr.BarPlot(
        x="month",
        y="value",
        color="company",
        title=title,
        x_title="month",
        y_title="BTC",
        tooltip=POINT_TOOLTIP,
        elem_id=elem_id,
    )


class ChatHandlers:
    """What the chat's events run: answer a turn (streamed), and read the index status for the header."""

    def __init__(self, assistant: Assistant, desk: Desk) -> None:
        self.assistant = assistant
        self.desk = desk

    def add_articles(self, paths: list[str] | None, url: str | None) -> tuple:
        """Ingest the uploaded files and the url; the report as Markdown, and the inputs emptied."""
        url = (url or "").strip()
        if not paths and not url:
            return "Choose files or paste a url first.", gr.skip(), gr.skip()
        report = IngestReport()
        try:
            if paths:
                report.extend(self.desk.add_files((Path(p).name, Path(p).read_bytes()) for p in paths))
            if url:
                report.extend(self.desk.add_urls([url]))
        except NewsdeskError as exc:
            return f"⚠️ {exc}", gr.skip(), gr.skip()
        return report_markdown(report), None, ""

    def respond(self, text, chat, turns, since_text, until_text, source_name, company_name, answerer_name):
        """Stream one answer into the chat; at the end link its markers and fill the sources panel.
        Yields (chat, history, sources, question box); `turns` is the plain history the assistant sees."""
        text = (text or "").strip()
        if not text:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        chat = [*chat, {"role": "user", "content": text}, {"role": "assistant", "content": "…"}]
        filters = {"since": since_text, "until": until_text, "source": source_name, "company": company_name}
        filters = {k: v.strip() for k, v in filters.items() if v and v.strip()}
        written, answer = "", None
        yield chat, gr.skip(), gr.skip(), ""
        try:
            for event in self.assistant.stream(text, history=turns, filters=filters, answerer=answerer_name):
                if isinstance(event, Answer):
                    answer = event
                    continue
                written += event
                chat[-1] = {"role": "assistant", "content": written}
                yield chat, gr.skip(), gr.skip(), gr.skip()
        except NewsdeskError as exc:
            chat[-1] = {"role": "assistant", "content": f"⚠️ {exc}"}
            yield chat, gr.skip(), gr.skip(), gr.skip()
            return
        trace = trace_details(answer, self.assistant.traces.find(answer.trace_id))
        chat[-1] = {"role": "assistant", "content": f"{linked_answer(answer)}\n\n{trace}"}
        turns = [*turns, {"role": "user", "content": text}, {"role": "assistant", "content": answer.answer}]
        yield chat, turns, sources_html(answer), gr.skip()

    def feedback(self, traces: dict, note: str, liked: gr.LikeData) -> tuple:
        """A thumb on an answer, stored with the answer's trace through FeedbackLog; the note box emptied."""
        index = liked.index[0] if isinstance(liked.index, (list, tuple)) else liked.index
        trace_id = traces.get(str(index))
        if not trace_id:
            return "⚠️ That message has no answer to rate.", gr.skip()
        rating = "up" if liked.liked is True or liked.liked == "Like" else "down"
        try:
            FeedbackLog(self.assistant.settings, self.assistant.traces).add(
                FeedbackIn(rating=rating, note=note or "", trace_id=trace_id)
            )
        except NewsdeskError as exc:
            return f"⚠️ {exc}", gr.skip()
        return f"Thanks: {'👍' if rating == 'up' else '👎'} saved (trace `{trace_id}`).", ""

    def refresh(self) -> tuple:
        """The status line, and the outlet and company choices, from the index as it is now."""
        found = index_stats(self.assistant.settings, store=self.assistant.index.store)
        line = f"**{found.articles}** articles · **{found.chunks}** chunks · newest article **{found.newest or '—'}**"
        outlets = [("any outlet", "")] + [(f"{name} ({n})", name) for name, n in found.sources.items()]
        companies = [("any company", "")] + [(f"{name} ({n})", name) for name, n in found.companies.items()]
        return line, gr.Dropdown(choices=outlets), gr.Dropdown(choices=companies)

    def ledger_companies(self) -> gr.Dropdown:
        """The ledger tab's company choices, from the facts stored now."""
        names = ledger_companies(self.assistant.ledger)
        return gr.Dropdown(choices=[("all companies", "")] + [(name, name) for name in names])

    def ledger(self, company: str, measure: str, since: str, until: str) -> tuple:
        """The ledger tab for a filter: holdings lines, sold and mined bars, the table and its disagreements."""
        try:
            table = facts_table(self.assistant.ledger, FactFilter.parse(company, measure, since, until))
        except NewsdeskError as exc:
            return (*[gr.skip()] * 5, f"⚠️ {exc}")
        note = f"**{len(table.facts)}** facts" + (
            f" · **{len(table.disagreements)}** figures reported differently" if table.disagreements else ""
        )
        return (
            plot_frame(table.holdings_series()),
            plot_frame(table.flow_series(Measure.BTC_SOLD)),
            plot_frame(table.flow_series(Measure.BTC_MINED)),
            table_frame(table),
            disagreements_html(table),
            note,
        )


def plot_frame(points: list[dict]):
    """Chart points as the DataFrame Gradio's plots take ('date' as a datetime, so lines space by time)."""
    import pandas as pd

    frame = pd.DataFrame(points, columns=POINT_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def table_frame(table: FactsTable):
    import pandas as pd

    disputed = table.disputed
    rows = [
        (
            f.as_of,
            f.period,
            f.company,
            MEASURE_LABELS[f.measure],
            f.figure + (" ≠" if f.id in disputed else ""),
            f.counterparty,
            f.outlet,
            f.published,
            f.sentence,
        )
        for f in table.facts
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def disagreements_html(table: FactsTable) -> str:
    """Each figure reported differently: the reports side by side with their outlets and sentences."""
    parts = []
    for group in table.disagreements:
        reports = "".join(
            f"<li><b>{html.escape(f.figure)}</b> — {html.escape(f.outlet)}, {html.escape(f.published)}: "
            f"“{html.escape(f.sentence)}”</li>"
            for f in group.facts
        )
        parts.append(f'<div class="nd-flag">Reports differ: {html.escape(group.summary)}<ul>{reports}</ul></div>')
    return "\n".join(parts)


def mount_ui(app: FastAPI, demo: gr.Blocks, path: str = "/") -> FastAPI:
    """Mount the chat on the API's app (no server-side rendering: that would start a Node process)."""
    return gr.mount_gradio_app(
        app, demo, path=path, theme=theme(), css=CSS, ssr_mode=False, footer_links=["api", "settings"]
    )


def report_markdown(report: IngestReport) -> str:
    """An ingest report as the panel shows it: the counts, then one line per failure."""
    counts = f"**{report.added}** added · **{report.updated}** updated · **{report.unchanged}** unchanged"
    lines = [counts + (f" · **{report.failed}** failed" if report.failed else "")]
    lines += [f"- ⚠️ {html.escape(line)}" for line in report.errors]
    return "\n".join(lines)


TRACE_ID = re.compile(r'<details class="nd-trace" data-trace="([0-9a-f]+)"')


def trace_details(answer: Answer, trace: dict | None) -> str:
    """A collapsed "Trace" under the answer: per-stage timings and every passage considered, the cited ones
    marked; its data-trace attribute is how a thumb on the message finds the answer's trace id."""
    timings = " · ".join(f"{name.removesuffix('_ms')} {ms:.0f} ms" for name, ms in answer.timings.items())
    rows = "".join(
        f"<tr><td>{'✓' if p['cited'] else ''}</td><td>{html.escape(p['title'])} ({html.escape(p['published'])})</td>"
        f"<td>{p['score']:.3f}</td><td>{p['dense']:.3f}</td><td>{p['lexical']:.3f}</td></tr>"
        for p in (trace or {}).get("passages", [])
    )
    return (
        f'<details class="nd-trace" data-trace="{answer.trace_id}"><summary>Trace · '
        f"{answer.timings.get('total_ms', 0):.0f} ms</summary><p>trace <code>{answer.trace_id}</code> · {timings}</p>"
        "<table><tr><th>cited</th><th>passage considered</th><th>score</th><th>dense</th><th>words</th></tr>"
        f"{rows}</table></details>"
    )


def traced_messages(chat: list, traces: dict) -> tuple:
    """Which chat messages show which answer's trace id, for the thumbs (ChatHandlers.feedback)."""
    traces = dict(traces or {})
    for index, message in enumerate(chat or []):
        content = message.get("content") if isinstance(message, dict) else ""
        parts = content if isinstance(content, list) else [content]
        text = " ".join(part.get("text", "") if isinstance(part, dict) else str(part or "") for part in parts)
        found = TRACE_ID.search(text)
        if found:
            traces[str(index)] = found.group(1)
    return gr.skip(), traces


def linked_answer(answer: Answer) -> str:
    """The answer as Markdown with each `[n]` a link to its source's original page."""
    by_number = {c.n: c for c in answer.citations}

    def link(match: re.Match) -> str:
        citation = by_number.get(int(match.group(1)))
        if citation is None or not safe_url(citation.url):
            return match.group(0)
        title = citation.title.replace('"', "'")
        return f'[\\[{citation.n}\\]]({citation.url} "{title} — {citation.source}")'

    return MARKER.sub(link, answer.answer)


def sources_html(answer: Answer) -> str:
    parts = []
    if answer.flags.unverified:
        figures = ", ".join(answer.flags.unverified_figures) or "some figures"
        parts.append(
            f'<div class="nd-flag">⚠ Unverified figures: {html.escape(figures)} — not found in the cited passages.</div>'
        )
    for summary in answer.flags.disagreements:
        parts.append(f'<div class="nd-flag">≠ Reports differ: {html.escape(summary)}</div>')
    if answer.flags.refused:
        parts.append('<div class="nd-note">No source answers this; the closest ones are below.</div>')
    if answer.flags.time_filter_relaxed:
        parts.append('<div class="nd-note">No article in the period asked about; these are from other dates.</div>')
    parts += [citation_html(c) for c in answer.citations]
    return "\n".join(parts) or EMPTY_SOURCES


def citation_html(citation: Citation) -> str:
    title = html.escape(citation.title or citation.article_id)
    if safe_url(citation.url):
        url = html.escape(citation.url, quote=True)
        title = f'<a href="{url}" target="_blank" rel="noopener noreferrer">{title}</a>'
        link = f' · <a href="{url}" target="_blank" rel="noopener noreferrer">{html.escape(citation.url)}</a>'
    else:
        link = ""
    meta = " · ".join(html.escape(p) for p in (citation.source, citation.published) if p)
    return (
        f'<div class="nd-source" id="nd-src-{citation.n}">'
        f'<div class="nd-title">[{citation.n}] {title}</div>'
        f'<div class="nd-meta">{meta}{link}</div>'
        f'<div class="nd-passage">{highlight(citation.passage, citation.used_sentences)}</div>'
        "</div>"
    )


def highlight(passage: str, sentences: list[str]) -> str:
    """The passage, HTML-escaped, with each used sentence wrapped in <mark> (whitespace-insensitive)."""
    text = html.escape(" ".join(passage.split()))
    for sentence in sorted({" ".join(s.split()) for s in sentences if s.strip()}, key=len, reverse=True):
        escaped = html.escape(sentence)
        if escaped in text:
            text = text.replace(escaped, f"<mark>{escaped}</mark>", 1)
    return text


def safe_url(url: str) -> bool:
    return url.startswith(("http://", "https://"))
