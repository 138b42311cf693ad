"""The auth surface, enumerated: with NEWSDESK_API_TOKEN set, every route the app has (its own, Gradio's queue,
upload, file, config and info routes, /mcp, /api/articles) refuses a request with no token, a wrong bearer token
or a wrong cookie; only /health and the docs are open. With the right token, no file route serves a file from
outside the app's own files (path traversal, absolute paths, the data dir)."""

from __future__ import annotations

import re

import httpx
import pytest
from starlette.routing import Mount

from app.api import OPEN_PATHS, TOKEN_COOKIE
from app.settings import Settings
from tests.app.conftest import BackgroundServer
from tests.helpers import ROOT, SEED, TOKEN

PARAM = re.compile(r"\{[^}]+\}")
MUST_FIND = {
    "/api/ask",
    "/api/articles",
    "/api/feedback",
    "/api/traces/{trace_id}",
    "/v1/chat/completions",
    "/mcp",
    "/config",
    "/gradio_api/queue/join",
    "/gradio_api/upload",
    "/gradio_api/file={path_or_url:path}",
    "/gradio_api/info",
}


def routes(app_routes, prefix: str = ""):
    """(path, methods) of every route, through mounts and included routers."""
    for route in app_routes:
        if isinstance(route, Mount):
            yield from routes(getattr(route.app, "routes", None) or [], prefix + route.path.rstrip("/"))
        elif hasattr(route, "original_router"):  # FastAPI's included router
            yield from routes(route.original_router.routes, prefix + route.include_context.prefix)
        else:
            yield prefix + route.path, sorted(getattr(route, "methods", None) or ["GET", "POST"])


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, embedder):
    from app.api import create_app
    from app.assistant import Assistant
    from ingest.pipeline import Ingestor

    settings = Settings(home=tmp_path_factory.mktemp("auth-surface"), api_token=TOKEN)
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    app = create_app(Assistant(settings, embedder=embedder), settings)
    with BackgroundServer(app) as server:
        yield app, server.url, settings


def test_every_route_but_health_and_the_docs_refuses_a_missing_or_wrong_token(guarded):
    app, url, _ = guarded
    found = sorted(set((path, tuple(methods)) for path, methods in routes(app.routes)))
    paths = {path for path, _ in found}
    assert MUST_FIND <= paths, MUST_FIND - paths
    assert len(found) > 80  # Gradio's own routes are in the walk
    attempts = [{}, {"Authorization": "Bearer wrong"}, {"Cookie": f"{TOKEN_COOKIE}=wrong"}, {"Authorization": "s3cret"}]
    opened = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for path, methods in found:
            concrete = PARAM.sub("x", path) or "/"
            for method in methods:
                for headers in attempts:
                    status = client.request(method, concrete, headers=headers).status_code
                    if status != 401:
                        opened.append((method, concrete, headers, status))
        assert {path for _, path, _, _ in opened} <= OPEN_PATHS, opened
        assert client.get("/health").status_code == 200 and client.get("/docs").status_code == 200
        assert client.get("/no/such/route").status_code == 401


TRAVERSALS = [
    "/gradio_api/file=/etc/passwd",
    "/gradio_api/file=%2Fetc%2Fpasswd",
    "/gradio_api/file=..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/gradio_api/file/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/svelte/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/gradio_api/file={root}/app/settings.py",
    "/gradio_api/file={root}/pyproject.toml",
    "/gradio_api/file={home}/newsdesk.manifest.json",
    "/gradio_api/file=app/settings.py",
]


def test_no_file_route_serves_anything_outside_the_apps_own_files(guarded):
    _, url, settings = guarded
    headers = {"Authorization": f"Bearer {TOKEN}"}
    leaks = []
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client:
        assert client.get("/config").status_code == 200  # the right token opens the app's own routes
        for template in TRAVERSALS:
            path = template.format(root=ROOT, home=settings.home)
            response = client.get(path)
            body = response.text
            if response.status_code == 200 and any(
                s in body for s in ("root:x:0:0", "class Settings", "[project]", "content_hash")
            ):
                leaks.append((path, response.status_code, body[:80]))
    assert not leaks, leaks


def test_unreadable_bodies_get_an_error_naming_the_body(guarded):
    _, url, _ = guarded
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    bodies = [b'{"question": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000]
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client:
        for path in ("/api/ask", "/api/search", "/api/feedback", "/api/articles", "/v1/chat/completions"):
            for body in bodies:
                response = client.post(path, content=body)
                assert 400 <= response.status_code < 500, (path, response.status_code)
                error = response.json()["error"]
                message = error["message"] if isinstance(error, dict) else error
                assert message.startswith("body:"), (path, message)
