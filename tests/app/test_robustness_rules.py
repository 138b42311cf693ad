"""Pure rules of issue 16 (fast tier): the newest-article anchor ignores dates in the future; tokens are taken out
of access-log lines."""

from __future__ import annotations

import logging
from datetime import date

from app.api import RedactTokens
from app.retrieval.search import newest_date


def test_a_date_beyond_tomorrow_is_never_the_newest_article_anchor():
    today = date(2026, 3, 1)
    assert newest_date(["2026-02-10", "2099-01-01", "", "2026-02-27"], today) == date(2026, 2, 27)
    assert newest_date(["2026-03-02"], today) == date(2026, 3, 2)  # tomorrow: a time zone ahead, still news
    assert newest_date(["2099-01-01"], today) is None


def test_tokens_are_redacted_from_access_log_records():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4", "GET", "/?a=1&token=s3cret", "1.1", 303),
        None,
    )
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "s3cret" not in line and "/?a=1&token=[redacted]" in line
    assert RedactTokens.redact("/api/ask?tokens=5") == "/api/ask?tokens=5"
