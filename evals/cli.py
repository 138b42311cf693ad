"""The `newsdesk eval` command: an eval set through the assistant, or the MultiHop-RAG retrieval benchmark.

`newsdesk eval miners` (a name in evals/sets/ or a path) and `newsdesk eval multihop --data PATH`; the work is
done by evals.runner and evals.multihop, this module only parses flags and prints.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from app.cli import console, fail, progress_bar, settings_from
from app.errors import NewsdeskError
from app.settings import Settings
from evals.report import fmt

MULTIHOP = "multihop"
SET_PANEL = "Eval set"
MULTIHOP_PANEL = "MultiHop-RAG (SET = multihop)"
LEDGER = "ledger"
LEDGER_PANEL = "Ledger extraction (SET = ledger)"
POISONED = "poisoned"
POISONED_HOME = Path("runs") / "poisoned-index"  # a scratch index: planted articles never enter yours


def eval_command(
    set_name: Annotated[
        str, typer.Argument(metavar="SET", help="An eval set (path or name in evals/sets/), or multihop.")
    ],
    k: Annotated[int, typer.Option("--k", help="Passages retrieved per question.", rich_help_panel=SET_PANEL)] = 10,
    split: Annotated[
        str | None, typer.Option("--split", help="Only one half of the set: tune or check.", rich_help_panel=SET_PANEL)
    ] = None,
    answerer: Annotated[
        str | None, typer.Option("--answerer", help="none (grounded), openai or local.", rich_help_panel=SET_PANEL)
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Run folder (default runs/<set>-<time>); resumes.")] = None,
    compare: Annotated[
        Path | None, typer.Option("--compare", help="An earlier run folder: deltas and changed questions.")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="MultiHop-RAG folder.", rich_help_panel=MULTIHOP_PANEL)
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Only the first N queries.", rich_help_panel=MULTIHOP_PANEL)
    ] = None,
    articles: Annotated[
        int | None,
        typer.Option(
            "--articles", help="Only the first N articles (and their queries).", rich_help_panel=MULTIHOP_PANEL
        ),
    ] = None,
    dense_weight: Annotated[
        float | None,
        typer.Option("--dense-weight", help="Fusion weight of dense scores.", rich_help_panel=MULTIHOP_PANEL),
    ] = None,
    depth: Annotated[
        int | None, typer.Option("--depth", help="Candidates from each retriever.", rich_help_panel=MULTIHOP_PANEL)
    ] = None,
    fusion: Annotated[
        str | None,
        typer.Option(
            "--fusion", help="Score scaling before fusing: max, minmax or zscore.", rich_help_panel=MULTIHOP_PANEL
        ),
    ] = None,
    per_article: Annotated[
        int | None,
        typer.Option(
            "--per-article", help="Most passages of one article (0: no limit).", rich_help_panel=MULTIHOP_PANEL
        ),
    ] = None,
    rerank_depth: Annotated[
        int | None,
        typer.Option(
            "--rerank-depth",
            help="Rerank the fused list's first N passages with the learned reranker (0: off).",
            rich_help_panel=MULTIHOP_PANEL,
        ),
    ] = None,
    chunk_tokens: Annotated[
        int, typer.Option("--chunk-tokens", help="Chunk body tokens.", rich_help_panel=MULTIHOP_PANEL)
    ] = 256,
    chunk_overlap: Annotated[
        int, typer.Option("--chunk-overlap", help="Chunk overlap tokens.", rich_help_panel=MULTIHOP_PANEL)
    ] = 32,
    home: Annotated[
        Path | None, typer.Option("--home", help="Data dir (eval set: the index; multihop: its cache).")
    ] = None,
    chroma_url: Annotated[str | None, typer.Option("--chroma-url", help="Chroma server URL.")] = None,
    ledger_set: Annotated[
        Path | None,
        typer.Option("--set", help="Labelled facts (default evals/sets/ledger.jsonl).", rich_help_panel=LEDGER_PANEL),
    ] = None,
    misses: Annotated[
        bool,
        typer.Option(
            "--misses", help="Also list each missed and extra fact (tune only).", rich_help_panel=LEDGER_PANEL
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Score an eval set through the real assistant, run the MultiHop-RAG retrieval benchmark, score the ledger's
    fact extraction against hand-labelled facts (SET = ledger), or ask about planted articles (SET = poisoned:
    the corpus and evals/sets/poisoned/ in a scratch index, --home, default runs/poisoned-index)."""
    settings = settings_from(chroma_url=chroma_url)
    try:
        if set_name == LEDGER:
            _ledger(ledger_set, split, misses, as_json)
        elif set_name == POISONED:
            _poisoned(settings.with_overrides(home=home or POISONED_HOME), split, answerer, as_json)
        elif set_name == MULTIHOP:
            search = {
                "dense_weight": dense_weight, "depth": depth, "fusion": fusion, "per_article": per_article,
                "rerank_depth": rerank_depth,
            }  # fmt: skip
            _multihop(settings, data, home, out, limit, articles, search, chunk_tokens, chunk_overlap, as_json)
        else:
            _eval_set(settings.with_overrides(home=home), set_name, k, answerer, out, compare, as_json, split)
    except NewsdeskError as exc:
        fail(str(exc))


def _eval_set(settings: Settings, set_name: str, k, answerer, out, compare, as_json: bool, split=None) -> None:
    from app.assistant import Assistant
    from evals.evalset import load_set
    from evals.runner import run_eval

    load_set(set_name, split)  # a bad set fails before the model loads
    assistant = Assistant(settings)
    if not assistant.index.chunk_count:
        fail(f"the index in {settings.home} is empty; run `newsdesk ingest corpus/` first")
    with progress_bar(disable=as_json) as bar:
        task = bar.add_task("questions", total=None)
        run = run_eval(
            assistant,
            set_name,
            k=k,
            answerer=answerer,
            out_dir=out,
            compare=compare,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
            split=split,
        )
    if as_json:
        print(json.dumps(run.summary, indent=2))
        return
    summary = run.summary
    blocks = {**summary["by_type"], **summary.get("by_split", {}), "overall": summary["overall"]}
    table = Table("metric", *blocks, title=f"eval {Path(summary['set']).stem}")
    for key in summary["overall"]:
        table.add_row(key, *(fmt(block[key]) for block in blocks.values()))
    console.print(table)
    if run.comparison:
        _print_comparison(run.comparison)
    if run.resumed:
        console.print(f"resumed: {run.resumed} questions were already done")
    console.print(f"report: {run.out_dir / 'report.md'}")


def _ledger(set_path: Path | None, split: str | None, misses: bool, as_json: bool) -> None:
    from evals.ledger import DEFAULT_SET, evaluate

    if misses and split != "tune":
        fail("--misses lists labelled facts: use it with --split tune only, so the check half stays unread")
    result = evaluate(set_path or DEFAULT_SET, split)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    half = f" ({split})" if split else ""
    table = Table(
        "measure", "gold", "predicted", "matched", "precision", "recall", "F1", "as_of missed",
        title=f"eval ledger: {result.articles} articles{half}",
    )  # fmt: skip
    rows = [*result.by_measure.items(), ("overall", result.overall)]
    for measure, s in rows:
        table.add_row(
            measure, str(s.gold), str(s.predicted), str(s.matched), fmt(s.precision), fmt(s.recall), fmt(s.f1),
            str(s.as_of_missed),
        )  # fmt: skip
    console.print(table)
    if misses:
        for r in result.results:
            for g in r.missed:
                console.print(f"missed {r.article}: {g.company} {g.measure} {g.value:g} {g.as_of} ({g.quote})")
            for f in r.extra:
                console.print(f"extra  {r.article}: {f.company} {f.measure} {f.value:g} {f.as_of} ({f.figure})")


def _poisoned(settings: Settings, split: str | None, answerer: str | None, as_json: bool) -> None:
    from app.assistant import Assistant
    from evals.poisoned import build_index, load_cases, run_poisoned, to_json

    cases = load_cases(split=split)  # a bad set fails before anything is ingested
    report = build_index(settings)
    if report.errors:
        fail(f"building the poisoned index in {settings.home}: {report.errors[0]}")
    with progress_bar(disable=as_json) as bar:
        task = bar.add_task("questions", total=len(cases))
        results, totals = run_poisoned(
            Assistant(settings), cases, answerer, progress=lambda done, _total: bar.update(task, completed=done)
        )
    if as_json:
        print(json.dumps(to_json(results, totals), indent=2))
        return
    table = Table("case", "split", "kind", "planted", "repeated", "flagged", "leads", title="eval poisoned")
    for r in results:
        mark = {True: "yes", False: ""}
        table.add_row(
            r.id, r.split, r.kind, r.planted, mark[r.repeated], mark[r.flagged and r.repeated], mark[r.leading]
        )
    console.print(table)
    for name, block in totals.items():
        console.print(
            f"{name}: {block['unflagged']} unflagged repeats, {block['repeated']} repeats "
            f"({block['flagged']} flagged), planted figure leads {block['leading']} of {block['questions']}",
            highlight=False,
        )


def _print_comparison(comparison: dict) -> None:
    table = Table("metric", "old", "new", "Δ", title=f"against {comparison['old_run']}")
    for name, d in comparison["deltas"].items():
        delta = "–" if d["delta"] is None else f"{d['delta']:+.3f}"
        table.add_row(name, fmt(d["old"]), fmt(d["new"]), delta)
    console.print(table)
    for change in comparison["changed"]:
        console.print(f"  {change['id']} ({change['type']}): {change['metric']} {change['old']} → {change['new']}")


def stage_progress(bar):
    """A progress callback (stage, done, total) that gives each stage (embedding, queries) its own bar."""
    tasks: dict[str, object] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return progress


def _multihop(settings, data, home, out, limit, articles, search: dict, chunk_tokens, chunk_overlap, as_json):
    from app.retrieval.fuse import NORMALIZERS
    from evals.multihop import METRICS, MultihopOptions, run_multihop, table_rows

    if search["fusion"] and search["fusion"] not in NORMALIZERS:
        fail(f"--fusion {search['fusion']!r} is not one of {', '.join(NORMALIZERS)}")
    config = settings.search.model_copy(update={key: value for key, value in search.items() if value is not None})
    options = MultihopOptions(data, home, limit, articles, chunk_tokens, chunk_overlap, config)
    with progress_bar(disable=as_json) as bar:
        result = run_multihop(options, settings, out_dir=out, progress=stage_progress(bar))
    if as_json:
        print(json.dumps(result.summary, indent=2))
        return
    s = result.summary
    table = Table("system", "queries", *METRICS, title="MultiHop-RAG retrieval")
    for row in table_rows(s):
        table.add_row(*(fmt(cell) for cell in row))
    console.print(table)
    console.print(
        f"{s['articles']} articles, {s['chunks']} chunks ({s['chunks_embedded']} embedded now, "
        f"ingest {s['ingest_seconds']} s); {s['queries']} queries in {s['query_seconds']} s"
    )
    console.print(f"report: {result.out_dir / 'report.md'}")


bench_cli = typer.Typer(help="Benchmarks: newsdesk beside a baseline, measured in the same run.", no_args_is_help=True)


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


@bench_cli.command("embed")
def bench_embed_cmd(
    backends: Annotated[str, typer.Option(help="Encoder backends beside torch, comma-separated.")] = "onnx,onnx-int8",
    rounds: Annotated[int, typer.Option(help="Interleaved throughput rounds (the best is kept).")] = 3,
    articles: Annotated[int, typer.Option(help="MultiHop-RAG articles embedded for the top-10 overlap.")] = 100,
    queries: Annotated[int, typer.Option(help="MultiHop-RAG queries (their gold articles among those).")] = 300,
    answers: Annotated[bool, typer.Option(help="Also answer the miners eval from an index per backend.")] = True,
    out: Annotated[Path | None, typer.Option(help="Keep each backend's miners run under OUT/<backend>.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Encoder backends beside torch in one run: throughput ratio, dense top-10 overlap, miners answers."""
    from evals.bench import bench_embed

    chosen = tuple(b.strip() for b in backends.split(",") if b.strip())
    try:
        result = bench_embed(
            chosen,
            settings_from(),
            rounds=rounds,
            multihop_articles=articles,
            multihop_queries=queries,
            answers=answers,
            runs_dir=out,
            progress=None if as_json else (lambda message: console.print(f"[dim]{message}[/dim]")),
        )
    except NewsdeskError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    rows = [asdict(b) for b in result.backends]
    title = (
        f"bench embed: {result.throughput_chunks} corpus chunks x {result.rounds} rounds; "
        f"{result.multihop_chunks} MultiHop-RAG chunks, {result.multihop_queries} queries"
    )
    table = Table("measure", *(row["backend"] for row in rows), title=title)
    for key in rows[0]:
        if key != "backend":
            table.add_row(key, *(str(row[key]) for row in rows))
    console.print(table)


@bench_cli.command("lexical")
def bench_lexical_cmd(
    sizes: Annotated[str, typer.Option(help="Document counts, comma-separated.")] = "10000,100000",
    questions: Annotated[int, typer.Option(help="Miners questions used as queries.")] = 40,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The BM25 index rebuilt from every document beside one article changed through a segment, a reader's
    reload, and query time beside bm25s."""
    from evals.bench import bench_lexical

    results = bench_lexical(tuple(int(s) for s in sizes.split(",")), questions_limit=questions)
    if as_json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
        return
    console.print(size_table([r.to_dict() for r in results], "documents", "bench lexical"))


def size_table(rows: list[dict], size: str, title: str) -> Table:
    """One column per index size (`size`: the row's size field), one row per measure."""
    unit = "docs" if size == "documents" else size
    table = Table("measure", *(f"{row[size]:,} {unit}" for row in rows), title=title)
    for key in rows[0]:
        if key != size:
            table.add_row(key, *(str(row[key]) for row in rows))
    return table


@bench_cli.command("query")
def bench_query_cmd(
    sizes: Annotated[str, typer.Option(help="Index sizes in chunks, comma-separated.")] = "1000,10000",
    questions: Annotated[int | None, typer.Option(help="Use the first N miners questions (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """p50/p95 of retrieval and of a default answer, beside a naive dense-only LangChain retriever."""
    from evals.bench import bench_query

    results = bench_query(
        tuple(int(s) for s in sizes.split(",")),
        questions_limit=questions,
        progress=None if as_json else (lambda message: console.print(f"[dim]{message}[/dim]")),
    )
    if as_json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
        return
    console.print(size_table([r.to_dict() for r in results], "chunks", "bench query"))


@bench_cli.command("scale")
def bench_scale_cmd(
    sizes: Annotated[str, typer.Option(help="Index sizes in passages, comma-separated.")] = "10000,100000",
    questions: Annotated[int | None, typer.Option(help="Use the first N miners questions (default 40).")] = 40,
    plot: Annotated[Path, typer.Option(help="Where the latency and memory plot goes.")] = Path("runs/bench-scale.png"),
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """bench query at each size plus a real `newsdesk serve` on the index (cold start to /health, RSS, answer
    latency over HTTP) and the disk it takes; plots latency and memory against size."""
    from evals.bench import bench_query, plot_scale

    results = bench_query(
        tuple(int(s) for s in sizes.split(",")),
        questions_limit=questions,
        progress=None if as_json else (lambda message: console.print(f"[dim]{message}[/dim]")),
        serve=True,
    )
    written = plot_scale(results, plot)
    if as_json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
        return
    console.print(size_table([r.to_dict() for r in results], "chunks", "bench scale"))
    console.print(f"plot: {written}")


def fit_weights_command(
    set_names: Annotated[
        str, typer.Argument(metavar="SETS", help="Eval sets, comma-separated (paths or names in evals/sets/).")
    ] = "newuser,stranger,fresh",
    split: Annotated[str | None, typer.Option("--split", help="The split to fit on (tune); all when none.")] = "tune",
    write: Annotated[bool, typer.Option("--write", help="Store the weights in app/answer/weights.json.")] = False,
    home: Annotated[Path | None, typer.Option("--home", help="Data dir of the index the set asks about.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Refit the grounded answerer's feature weights on the eval sets' tune halves (pairwise logistic regression)."""
    from app.assistant import Assistant
    from evals.fit import fit_weights

    try:
        result = fit_weights(Assistant(settings_from(home=home)), set_names, split, write)
    except NewsdeskError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    table = Table("feature", "weight", title=f"fitted on {set_names} ({split or 'all'})")
    for name, weight in result.weights.items():
        table.add_row(name, f"{weight:+.4f}")
    console.print(table)
    console.print(
        f"{result.questions} questions, {result.examples} sentences ({result.positives} state a gold figure); "
        f"best sentence is a gold one for {result.accuracy:.3f} of questions (weights before: {result.baseline:.3f})"
    )
    if result.halves:
        halves = Table("set / half", "questions", "best is gold, before", "after", title="every half (check: unfitted)")
        for name, row in result.halves.items():
            halves.add_row(name, str(row["questions"]), f"{row['before']:.3f}", f"{row['after']:.3f}")
        console.print(halves)
    if write:
        console.print("written to app/answer/weights.json")


def fit_rerank_command(
    data: Annotated[Path | None, typer.Option("--data", help="MultiHop-RAG folder.")] = None,
    home: Annotated[
        Path | None, typer.Option("--home", help="Data dir of the benchmark index (built if missing).")
    ] = None,
    depth: Annotated[int, typer.Option("--depth", help="Fused passages per query the reranker reorders.")] = 30,
    c: Annotated[float, typer.Option("--c", help="Inverse L2 strength of the logistic regression.")] = 0.1,
    dense_weight: Annotated[
        float, typer.Option("--dense-weight", help="Fusion weight of dense scores (as in the eval run).")
    ] = 0.2,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the model (default: the shipped rerank.json).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Fit and report, write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fit the learned reranker on MultiHop-RAG's tune half (even rows) and score both halves before and after."""
    from app.retrieval.rerank import WEIGHTS_PATH
    from evals.multihop import MultihopOptions
    from evals.rerank import fit_rerank

    settings = settings_from()
    config = settings.search.model_copy(update={"dense_weight": dense_weight, "per_article": 0})
    options = MultihopOptions(data=data, home=home, search=config)
    try:
        with progress_bar(disable=as_json) as bar:
            path = None if dry_run else out or WEIGHTS_PATH
            result = fit_rerank(options, settings, depth, c, path, stage_progress(bar))
    except (NewsdeskError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
        return
    table = Table("split", "queries", "hits@4", "hits@10", "mrr@10", title=f"fused top {depth}: before → after")
    for half, count in result.queries.items():
        before, after = result.before[half], result.after[half]
        table.add_row(half, str(count), *(f"{before[m]:.3f} → {after[m]:.3f}" for m in before))
    before, cross = result.before["all"], result.cross["all"]
    row = (f"{before[m]:.3f} → {cross[m]:.3f}" for m in before)
    table.add_row("all, cross-fitted", str(sum(result.queries.values())), *row)
    console.print(table)
    weights = ", ".join(f"{name} {w:+.2f}" for name, w in result.to_dict()["weights"].items())
    console.print(f"{result.pairs} hit/miss pairs; weights (standardized features): {weights}", highlight=False)
    console.print(f"written to {result.path}" if result.path else "not written (--dry-run)")


def register(cli: typer.Typer) -> None:
    """The `newsdesk.commands` entry point: adds `newsdesk eval`, `newsdesk fit-weights`, `fit-rerank` and `bench`."""
    cli.command("eval")(eval_command)
    cli.command("fit-weights")(fit_weights_command)
    cli.command("fit-rerank")(fit_rerank_command)
    cli.add_typer(bench_cli, name="bench")
