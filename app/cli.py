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
        with Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json,
        ) as bar:
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


bench_cli = typer.Typer(help="Benchmarks: newsdesk beside a baseline, measured in the same run.", no_args_is_help=True)
cli.add_typer(bench_cli, name="bench")


@bench_cli.command("ingest")
def bench_ingest_cmd(
    paths: Annotated[list[str] | None, typer.Argument(help="What to ingest (default: corpus/).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Pipeline chunks/s and tokens/s beside raw SentenceTransformer.encode on the same chunks."""
    from evals.bench import bench_ingest

    result = bench_ingest(paths or ["corpus/"], settings_from())
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    table = Table("measure", "value", title="bench ingest")
    for key, value in result.to_dict().items():
        table.add_row(key, str(value))
    console.print(table)


def main() -> None:
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
