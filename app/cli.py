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
    paths: Annotated[list[str], typer.Argument(help="Files, folders, globs or feed files.")],
    prune: Annotated[bool, typer.Option(help="Remove articles whose files are gone.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Start from an empty index.")] = False,
    home: HomeOpt = None,
    chroma_url: ChromaOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load, clean, chunk, embed and store articles; unchanged articles are skipped."""
    from ingest.pipeline import Ingestor

    try:
        ingestor = Ingestor(settings_from(home=home, chroma_url=chroma_url))
        with progress_bar("embedding", disable=as_json) as bar:
            task = bar.add_task("chunks", total=None)
            report = ingestor.ingest(
                paths,
                prune=prune,
                rebuild=rebuild,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except NewsdeskError as exc:
        fail(str(exc))
    for line in report.errors:
        err_console.print(f"[red]failed:[/red] {line}", highlight=False, soft_wrap=True)
    if as_json:
        print(json.dumps(report.__dict__, indent=2))
    else:
        table = Table(title="ingest", show_header=True)
        for name in ("added", "updated", "unchanged", "failed", "removed", "chunks written", "seconds"):
            table.add_column(name, justify="right")
        table.add_row(
            *(
                str(v)
                for v in (
                    report.added,
                    report.updated,
                    report.unchanged,
                    report.failed,
                    report.removed,
                    report.chunks_written,
                    f"{report.seconds:.2f}",
                )
            )
        )
        console.print(table)
    if not report.ok:
        raise typer.Exit(1)


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
    table = Table("source", "articles")
    for name, count in found.sources.items():
        table.add_row(name, str(count))
    console.print(table)
    if found.companies:
        console.print("companies: " + ", ".join(f"{c} ({n})" for c, n in found.companies.items()))


def print_answer(answer) -> None:
    """`ask`'s output: the answer, then each source with its url and the sentences used."""
    style = "yellow" if answer.refused else "white"
    console.print(answer.answer, style=style, highlight=False)
    print_sources(answer, indent="", details=True)


def print_sources(answer, indent: str = "  ", details: bool = False) -> None:
    """The unverified-figures flag and the numbered sources (with url and used sentences when `details`)."""
    if answer.flags.unverified:
        console.print(f"[red]unverified figures:[/red] {', '.join(answer.flags.unverified_figures)}")
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
