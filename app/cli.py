"""The `newsdesk` command: a thin layer that parses flags, calls the Python API and formats the output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.errors import NewsdeskError
from app.settings import Settings

cli = typer.Typer(help="Ask the news, get cited passages.", no_args_is_help=True, add_completion=False)
console = Console()
err_console = Console(stderr=True)

HomeOpt = Annotated[Path | None, typer.Option("--home", help="Data dir (NEWSDESK_HOME).")]
ChromaOpt = Annotated[str | None, typer.Option("--chroma-url", help="Chroma server URL (NEWSDESK_CHROMA_URL).")]


def settings_from(**overrides: object) -> Settings:
    return Settings().with_overrides(**overrides)


PROGRESS_STAGES = {"preparing": "preparing articles", "embedding": "embedding chunks"}


def progress_bar(label: str = "{task.description}", disable: bool = False) -> Progress:
    """A transient progress bar on stderr, so --json output stays clean."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=disable,
    )


def fail(message: str) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@cli.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs, feed files, or urls of feeds and pages.")],
    prune: Annotated[bool, typer.Option(help="Remove articles whose files are gone.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Start from an empty index.")] = False,
    home: HomeOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load, clean, chunk, embed and store articles; unchanged articles are skipped. An http(s) url is fetched:
    a feed gives one article per entry, a page its article."""
    from ingest.pipeline import Ingestor
    from ingest.watch import read_urls
    from ingest.web import WebReader, is_url

    urls = [p for p in paths if is_url(p)]
    files = [p for p in paths if not is_url(p)]
    try:
        settings = settings_from(home=home, chroma_url=chroma_url)
        ingestor = Ingestor(settings)
        with progress_bar(disable=as_json) as bar:
            task = bar.add_task("preparing", total=None)

            def progress(done: int, total: int, stage: str = "embedding") -> None:
                bar.update(task, completed=done, total=total, description=PROGRESS_STAGES[stage])

            reports = []
            if files or rebuild or not urls:
                reports.append(ingestor.ingest(files, prune=prune, rebuild=rebuild, progress=progress))
            if urls:
                with WebReader(settings) as reader:
                    reports.append(read_urls(urls, ingestor, reader).ingest)
    except NewsdeskError as exc:
        fail(str(exc))
    except OSError as exc:  # the manifest or BM25 files on a full disk (Chroma's own writes are a BackendError)
        fail(f"writing {exc.filename or 'the index'} failed: {exc.strerror or exc}; run the ingest again once fixed")
    report = reports[0]
    for other in reports[1:]:
        report.extend(other)
    print_report(report, as_json)
    if not report.ok:
        raise typer.Exit(1)


def print_report(report, as_json: bool, title: str = "ingest") -> None:
    """An ingest report: one `failed:` line per error on stderr, then a table (or the JSON record)."""
    for line in report.errors:
        err_console.print(f"[red]failed:[/red] {line}", highlight=False, soft_wrap=True)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
        return
    table = Table(title=title, show_header=True)
    for name in ("added", "updated", "unchanged", "failed", "removed", "chunks written", "facts", "seconds"):
        table.add_column(name, justify="right")
    values = (
        report.added,
        report.updated,
        report.unchanged,
        report.failed,
        report.removed,
        report.chunks_written,
        report.facts,
    )
    table.add_row(*(str(v) for v in values), f"{report.seconds:.2f}")
    console.print(table)


@cli.command()
def watch(
    feed: Annotated[list[str] | None, typer.Option("--feed", help="A feed url to follow (repeat for more).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="YAML file with `feeds: [url, ...]`.")] = None,
    every: Annotated[float, typer.Option("--every", help="Minutes between two polls.", min=0.01)] = 30.0,
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (status 1 if anything failed).")] = False,
    home: HomeOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print each poll's report as JSON.")] = False,
) -> None:
    """Follow feeds: poll them every N minutes with conditional GET, storing new and changed entries."""
    from ingest.pipeline import Ingestor
    from ingest.watch import load_feed_list
    from ingest.watch import watch as follow
    from ingest.web import WebReader, is_url

    feeds = list(feed or [])
    bad = [url for url in feeds if not is_url(url)]
    if bad:
        fail(f"--feed {bad[0]!r} is not an http(s) url")
    try:
        if config is not None:
            feeds += load_feed_list(config)
        if not feeds:
            fail("no feeds to watch: give --feed URL (repeatable) or --config FILE")
        settings = settings_from(home=home, chroma_url=chroma_url)
        ingestor = Ingestor(settings)
        with WebReader(settings) as reader:
            final = follow(feeds, ingestor, reader, every, once=once, on_poll=lambda r: print_poll(r, as_json))
    except NewsdeskError as exc:
        fail(str(exc))
    if not final.ok:
        raise typer.Exit(1)


def print_poll(poll, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"feeds": [f.__dict__ for f in poll.feeds], "ingest": poll.ingest.to_dict()}), flush=True)
        for line in poll.ingest.errors:
            err_console.print(f"[red]failed:[/red] {line}", highlight=False, soft_wrap=True)
        return
    for f in poll.feeds:
        console.print(f"{f.status:>12}  {f.url}  ({f.entries} article{'' if f.entries == 1 else 's'})", highlight=False)
    print_report(poll.ingest, False, title="poll")


@cli.command()
def stats(
    home: HomeOpt = None, chroma_url: ChromaOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """What the index holds: articles, chunks, sources, date range, companies."""
    from ingest.stats import index_stats

    try:
        found = index_stats(settings_from(home=home, chroma_url=chroma_url))
    except NewsdeskError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(found.to_dict(), indent=2))
        return
    console.print(f"[bold]{found.articles}[/bold] articles, [bold]{found.chunks}[/bold] chunks in {found.location}")
    console.print(f"published {found.oldest or '?'} … {found.newest or '?'}")
    style = "green" if found.lexical == "ok" else "red"
    console.print(f"BM25 index: [{style}]{found.lexical}[/{style}]", highlight=False, soft_wrap=True)
    table = Table("source", "articles")
    for name, count in found.sources.items():
        table.add_row(name, str(count))
    console.print(table)
    if found.companies:
        console.print("companies: " + ", ".join(f"{c} ({n})" for c, n in found.companies.items()))


@cli.command()
def facts(
    company: Annotated[str | None, typer.Option("--company", help="A company's name or ticker.")] = None,
    measure: Annotated[str | None, typer.Option("--measure", help="btc_sold, btc_held, btc_mined, ...")] = None,
    since: Annotated[str | None, typer.Option("--since", help="As of this date or later (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="As of this date or earlier (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Facts and disagreements as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Facts as CSV.")] = False,
    sentences: Annotated[bool, typer.Option("--sentences", help="Show each fact's sentence.")] = False,
    home: HomeOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """The ledger: every reported sale, holding, production figure and deal, dated and cited."""
    from app.ledger import MEASURE_LABELS, FactFilter, facts_table
    from ingest.ledger import Ledger
    from ingest.store import ChunkStore

    try:
        wanted = FactFilter.parse(company, measure, since, until)
        table = facts_table(Ledger(ChunkStore(settings_from(home=home, chroma_url=chroma_url))), wanted)
    except NewsdeskError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(table.to_dict(), indent=2, ensure_ascii=False))
        return
    if as_csv:
        sys.stdout.write(table.to_csv())
        return
    disputed = table.disputed
    grid = Table("as of", "period", "company", "measure", "figure", "counterparty", "source")
    for column in grid.columns[:5]:
        column.no_wrap = True
    if sentences:
        grid.add_column("sentence", ratio=1)
    for fact in table.facts:
        flag = " [red]≠[/red]" if fact.id in disputed else ""
        cells = [fact.as_of, fact.period, fact.company, MEASURE_LABELS[fact.measure], fact.figure + flag]
        cells += [fact.counterparty, f"{fact.outlet}, {fact.published}"] + ([fact.sentence] if sentences else [])
        grid.add_row(*cells)
    console.print(grid)
    console.print(f"{len(table.facts)} facts", highlight=False)
    for group in table.disagreements:
        console.print(f"[red]reports differ:[/red] {group.summary}", highlight=False, soft_wrap=True)


def print_answer(answer) -> None:
    """`ask`'s output: the answer, then each source with its url and the sentences used."""
    style = "yellow" if answer.refused else "white"
    console.print(answer.answer, style=style, highlight=False)
    print_sources(answer, indent="", details=True)


def print_sources(answer, indent: str = "  ", details: bool = False) -> None:
    """The unverified-figures flag and the numbered sources (with url and used sentences when `details`)."""
    if answer.flags.unverified:
        console.print(f"[red]unverified figures:[/red] {', '.join(answer.flags.unverified_figures)}")
    for summary in answer.flags.disagreements:
        console.print(f"[red]reports differ:[/red] {summary}", highlight=False, soft_wrap=True)
    for c in answer.citations:
        url = f"  [dim]{c.url}[/dim]" if details else ""
        console.print(f"{indent}[cyan][{c.n}][/cyan] {c.title} — {c.source}, {c.published}{url}", highlight=False)
        for sentence in c.used_sentences if details else []:
            console.print(f"    [green]“{sentence}”[/green]", highlight=False)


def make_filters(since: str | None, until: str | None, source: str | None, company: str | None) -> dict:
    return {k: v for k, v in {"since": since, "until": until, "source": source, "company": company}.items() if v}


SinceOpt = Annotated[str | None, typer.Option("--since", help="Only articles published on or after (YYYY-MM-DD).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Only articles published on or before (YYYY-MM-DD).")]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only articles from this outlet.")]
CompanyOpt = Annotated[str | None, typer.Option("--company", help="Only articles tagged with this company.")]
LlmOpt = Annotated[str | None, typer.Option("--llm", help="Answerer: none (grounded), openai or local.")]


@cli.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    k: Annotated[int | None, typer.Option("--k", help="Passages to retrieve.")] = None,
    llm: LlmOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    source: SourceOpt = None,
    company: CompanyOpt = None,
    home: HomeOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """Answer one question from the indexed news, with numbered citations."""
    from app.assistant import Assistant

    try:
        assistant = Assistant(settings_from(home=home, chroma_url=chroma_url))
        answer = assistant.ask(question, filters=make_filters(since, until, source, company), k=k, answerer=llm)
    except NewsdeskError as exc:
        fail(str(exc))
    if as_json:
        print(answer.to_json(indent=2))
    else:
        print_answer(answer)


@cli.command()
def chat(llm: LlmOpt = None, home: HomeOpt = None, chroma_url: ChromaOpt = None) -> None:
    """A terminal conversation: follow-up questions see the earlier turns. Empty line or Ctrl-D ends it."""
    from app.assistant import Assistant

    try:
        assistant = Assistant(settings_from(home=home, chroma_url=chroma_url))
    except NewsdeskError as exc:
        fail(str(exc))
    history: list[dict] = []
    while True:
        try:
            question = console.input("[bold]you>[/bold] ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        try:
            answer = None
            console.print("[bold]newsdesk>[/bold] ", end="")
            for piece in assistant.stream(question, history=history, answerer=llm):
                if isinstance(piece, str):
                    console.print(piece, end="", highlight=False)
                else:
                    answer = piece
            console.print()
            print_sources(answer)
        except NewsdeskError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            continue
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind; 0.0.0.0 opens it to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 7860,
    home: HomeOpt = None,
    chroma_url: ChromaOpt = None,
) -> None:
    """Start the web chat and the HTTP API (REST + OpenAI-compatible) on one server."""
    from app.api import serve as run_server

    try:
        run_server(settings_from(home=home, chroma_url=chroma_url), host=host, port=port)
    except NewsdeskError as exc:
        fail(str(exc))


@cli.command()
def mcp(home: HomeOpt = None, chroma_url: ChromaOpt = None) -> None:
    """Serve the Model Context Protocol on stdin/stdout (for Claude Desktop, IDEs, agents): the tools search_news,
    ask_news, list_articles and add_article."""
    from app.assistant import Assistant
    from app.mcp_server import serve_stdio

    try:
        serve_stdio(Assistant(settings_from(home=home, chroma_url=chroma_url)))
    except NewsdeskError as exc:
        fail(str(exc))


feedback_cli = typer.Typer(help="Ratings given to answers (chat thumbs, POST /api/feedback).", no_args_is_help=True)
cli.add_typer(feedback_cli, name="feedback")


@feedback_cli.command("export")
def feedback_export(
    out: Annotated[Path | None, typer.Option("--out", help="Write the rows here (default: stdout).")] = None,
    rating: Annotated[str | None, typer.Option("--rating", help="Only 'up' or only 'down'.")] = None,
    home: HomeOpt = None,
) -> None:
    """Feedback as eval-set rows (JSONL, the shape of evals/sets/*.jsonl): a thumbs-up is a question with its
    answer as the expected one; a thumbs-down a question to fix (`to_fix`, the note as the expected answer)."""
    from app.feedback import FeedbackLog, eval_row

    if rating not in (None, "up", "down"):
        fail(f"--rating {rating!r}: choose up or down")
    settings = settings_from(home=home)
    try:
        records = [r for r in FeedbackLog(settings).all() if rating in (None, r.rating)]
    except NewsdeskError as exc:
        fail(str(exc))
    lines = "".join(json.dumps(eval_row(r), ensure_ascii=False) + "\n" for r in records)
    if out is None:
        sys.stdout.write(lines)
        return
    try:
        out.write_text(lines, encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot be written ({exc.strerror})")
    err_console.print(f"{len(records)} rows written to {out}", highlight=False)


PLUGIN_GROUP = "newsdesk.commands"


_loaded: set[str] = set()


def with_plugins() -> typer.Typer:
    """The whole `newsdesk` command: the core commands plus those that higher layers add (`newsdesk eval` and
    `newsdesk bench` from evals/). Each entry point of the `newsdesk.commands` group is a function that takes the
    Typer app, as simonw/llm's register_commands hook; each is added once."""
    from importlib.metadata import entry_points

    for entry in entry_points(group=PLUGIN_GROUP):
        if entry.name not in _loaded:
            entry.load()(cli)
            _loaded.add(entry.name)
    return cli


def main() -> None:
    command = with_plugins()
    try:
        command()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
