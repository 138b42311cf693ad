"""Writing an eval run's report.md and its plots (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evals.metrics import percentile

PLOTTED = (
    "hits@",
    "mrr@10",
    "ndcg@10",
    "figure_accuracy",
    "citation_precision",
    "citation_recall",
    "refusal_accuracy",
    "verified",
)


def fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.{digits}f}"
    return str(value)


def fmt_delta(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_report(out: Path, summary: dict, rows: list, comparison: dict | None = None) -> list[Path]:
    """report.md beside metric_by_type.png and latency.png; returns the files written."""
    metric_keys = [key for key in summary["overall"] if key not in ("questions",)]
    plots = [plot_metrics_by_type(out / "metric_by_type.png", summary), plot_latency(out / "latency.png", rows)]
    parts = [
        f"# Eval run: {Path(summary['set']).stem}",
        "",
        f"Set `{summary['set']}` · {summary['overall']['questions']} questions · k = {summary['k']} · "
        f"answerer `{summary['answerer']}` · collection `{summary['collection']}`",
        "",
        "Retrieval metrics are over answerable questions; citation metrics over answers that did not refuse "
        "(citation recall counts a refusal as citing nothing); refusal accuracy over unanswerable questions; "
        "`verified` is the share of answers whose every figure was found in a cited passage.",
        "",
        "## Overall",
        "",
        markdown_table(["metric", "value"], [[key, summary["overall"][key]] for key in metric_keys]),
        "",
        "## By question type",
        "",
        markdown_table(
            ["type", "n", *metric_keys],
            [[t, block["questions"], *(block[key] for key in metric_keys)] for t, block in summary["by_type"].items()],
        ),
        "",
        *_split_tables(summary, metric_keys),
        f"![metrics by question type]({plots[0].name})",
        "",
        f"![latency]({plots[1].name})",
        "",
    ]
    if comparison:
        parts += compare_section(comparison)
    parts += misses_section(rows, summary["k"])
    report = out / "report.md"
    report.write_text("\n".join(parts))
    return [report, *plots]


def compare_section(comparison: dict) -> list[str]:
    deltas = comparison["deltas"]
    changed = comparison["changed"]
    lines = [
        f"## Compared with `{comparison['old_run']}`",
        "",
        markdown_table(
            ["metric", "old", "new", "Δ"],
            [[name, d["old"], d["new"], fmt_delta(d["delta"])] for name, d in deltas.items()],
        ),
        "",
        f"{len(changed)} outcome{'s' if len(changed) != 1 else ''} changed.",
        "",
    ]
    if changed:
        lines += [
            markdown_table(
                ["question", "type", "metric", "old", "new"],
                [[c["id"], c["type"], c["metric"], c["old"], c["new"]] for c in changed],
            ),
            "",
        ]
    return lines


def misses_section(rows: list, k: int) -> list[str]:
    """Questions that missed: no gold article retrieved, a figure missing, or the wrong refusal decision."""
    misses = []
    for row in rows:
        m = row.metrics
        why = [
            label
            for label, failed in (
                (f"no gold article in top {k}", m.get(f"hits@{k}") == 0.0),
                ("figure missing", m.get("figure_accuracy") == 0.0),
                ("refused an answerable question", m.get("false_refusal_rate") == 1.0),
                ("answered an unanswerable question", m.get("refusal_accuracy") == 0.0),
            )
            if failed
        ]
        if why:
            misses.append([row.id, row.type, "; ".join(why), row.question])
    if not misses:
        return ["## Misses", "", "None.", ""]
    return ["## Misses", "", markdown_table(["question", "type", "why", "text"], misses), ""]


def pyplot():
    """matplotlib's pyplot on the Agg backend, imported only when a report is drawn (it is slow to import)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_metrics_by_type(path: Path, summary: dict) -> Path:
    """One group of bars per metric, one bar per question type."""
    plt = pyplot()
    keys = [key for key in summary["overall"] if key.startswith(PLOTTED)]
    types = list(summary["by_type"])
    fig, ax = plt.subplots(figsize=(max(7.0, 1.3 * len(keys)), 4.5))
    width = 0.8 / max(1, len(types))
    for i, name in enumerate(types):
        values = [summary["by_type"][name].get(key) or 0.0 for key in keys]
        ax.bar([x + i * width for x in range(len(keys))], values, width, label=name)
    ax.set_xticks([x + width * (len(types) - 1) / 2 for x in range(len(keys))], keys, rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("mean")
    ax.set_title("metrics by question type")
    ax.legend(fontsize="small", ncols=max(1, len(types)), loc="upper center", bbox_to_anchor=(0.5, -0.3))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(path: Path, rows: list) -> Path:
    """Histogram of per-question answer latency, with p50 and p95 marked."""
    plt = pyplot()
    latencies = [row.latency_ms for row in rows]
    fig, ax = plt.subplots(figsize=(6.0, 3.5))
    ax.hist(latencies, bins=min(30, max(5, len(latencies) // 3)), color="#4c72b0")
    if latencies:
        for q, style in ((50, "--"), (95, ":")):
            value = percentile(latencies, q)
            ax.axvline(value, color="black", linestyle=style, label=f"p{q} {value:.0f} ms")
        ax.legend(fontsize="small")
    ax.set_xlabel("answer latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title("latency")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _split_tables(summary: dict, metric_keys: list[str]) -> list[str]:
    """For a set split into tune and check halves: each half by question type."""
    lines: list[str] = []
    for split, by_type in summary.get("by_split_type", {}).items():
        overall = summary["by_split"][split]
        rows = [[t, b["questions"], *(b[key] for key in metric_keys)] for t, b in by_type.items()]
        rows.append(["all", overall["questions"], *(overall[key] for key in metric_keys)])
        lines += [f"## Split `{split}`", "", markdown_table(["type", "n", *metric_keys], rows), ""]
    return lines
