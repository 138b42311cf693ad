"""Checks on a written answer: citations that point nowhere are removed, and every figure is looked up in the
passages its sentence cites."""

from __future__ import annotations

import re

from app.answer.base import Citation
from ingest.text import figure_value, figures_in

MARKER = re.compile(r"\s?\[(\d+)\]")
MARKER_RUN = re.compile(r"((?:\s?\[\d+\])+)")
MARKER_GROUP = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def expand_marker_groups(text: str) -> str:
    """'[1, 2]' → '[1][2]' so every marker is checked on its own."""
    return MARKER_GROUP.sub(lambda m: "".join(f"[{n.strip()}]" for n in m.group(1).split(",")), text)


def repair_citations(text: str, count: int) -> tuple[str, list[int]]:
    """Removes markers [n] with no source n (1..count); returns the text and the numbers removed."""
    removed: list[int] = []

    def keep(match: re.Match) -> str:
        n = int(match.group(1))
        if 1 <= n <= count:
            return match.group(0)
        removed.append(n)
        return ""

    return MARKER.sub(keep, expand_marker_groups(text)), removed


def cited_figures(text: str) -> list[str]:
    """The figures of an answer's text, its [n] markers left out."""
    return figures_in(MARKER.sub(" ", text))


def cited_segments(text: str) -> list[tuple[str, set[int]]]:
    """The answer cut after each group of markers: each piece with the source numbers that close it. Text after
    the last marker is paired with every source the answer cites."""
    parts = MARKER_RUN.split(text)
    all_cited = {int(n) for n in MARKER.findall(text)}
    segments = []
    for i in range(0, len(parts), 2):
        markers = parts[i + 1] if i + 1 < len(parts) else ""
        cited = {int(n) for n in MARKER.findall(markers)} or all_cited
        if parts[i].strip():
            segments.append((parts[i], cited))
    return segments


def unverified_figures(text: str, citations: list[Citation]) -> list[str]:
    """Figures in the answer that the passages cited for them do not contain."""
    by_number = {c.n: c for c in citations}
    missing: list[str] = []
    for segment, cited in cited_segments(text):
        support = " ".join(by_number[n].passage for n in cited if n in by_number)
        known = {figure_value(f) for f in cited_figures(support)}
        for figure in cited_figures(segment):
            if figure_value(figure) not in known and figure not in missing:
                missing.append(figure)
    return missing
