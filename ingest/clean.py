"""Cleaning: strips page furniture (newsletter blurbs, press-release lists, related posts, search boxes)."""

from __future__ import annotations

import re
import unicodedata

# A line that starts a block of furniture: everything from it to the end of the text goes.
TAIL_MARKERS = re.compile(
    r"^(recent press releases|related posts?|related articles|related stories|more from [\w ]+|"
    r"read more|recommended( for you)?|you may also like|trending( now)?|most popular|latest news|"
    r"share this article|about the author|comments?)\s*:?$",
    re.IGNORECASE,
)
# A single line of furniture anywhere in the text.
FURNITURE_LINE = re.compile(
    r"^(search|advertisement|sponsored|skip to (main )?content|menu|share|tweet|print|email|"
    r"[\w' ]{0,40}newsletter|subscribe( now| today)?|sign up( now| today)?|"
    r"(start|get) (every|each) (day|week|morning)\b.*|"
    r"(get|receive) [^.]{0,60}(in|to|straight to) your inbox.*|"
    r"sign up (for|to) [^.]{0,80}|subscribe to [^.]{0,80}|"
    r"follow us on .*|all rights reserved.*|©.*|copyright \d{4}.*|"
    r"this (site|website) uses cookies.*|accept( all)? cookies)\s*[.!]?$",
    re.IGNORECASE,
)
# Press-release list rows glued to a byline and timestamp, e.g. "SWI Editorial Staff2026-02-09T18:10:43-08:00".
STAMP_ROW = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
MIN_BODY_LINES_BEFORE_TAIL = 3


def normalize_whitespace(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> str:
    """The article's own text: whitespace normalized, furniture lines and trailing furniture blocks removed."""
    kept: list[str] = []
    body_lines = 0
    for line in normalize_whitespace(text).split("\n"):
        if TAIL_MARKERS.match(line) and body_lines >= MIN_BODY_LINES_BEFORE_TAIL:
            break
        if FURNITURE_LINE.match(line) or STAMP_ROW.search(line):
            continue
        kept.append(line)
        body_lines += bool(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
