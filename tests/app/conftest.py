"""Session servers for the HTTP tests: the real app (API + /v1 + chat) under uvicorn on free loopback ports,
sharing the session Assistant; one open, one behind a bearer token."""

from __future__ import annotations

import threading

import pytest

from tests.helpers import TOKEN, free_port


class BackgroundServer:
    """uvicorn in a daemon thread; `url` once it accepts connections."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"uvicorn-{self.port}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        self.server_started()
        return self

    def server_started(self, timeout: float = 60.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the uvicorn thread exited before it started serving")
            if time.monotonic() > deadline:
                raise TimeoutError(f"uvicorn did not start on port {self.port} within {timeout}s")
            time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def server_url(assistant, corpus_settings):
    """The whole app, as `newsdesk serve` builds it, with no token."""
    from app.api import create_app

    with BackgroundServer(create_app(assistant, corpus_settings)) as server:
        yield server.url


@pytest.fixture(scope="session")
def token_server_url(assistant, corpus_settings):
    """A second instance of the app (same Assistant) that requires `Authorization: Bearer s3cret`."""
    from app.api import create_app

    with BackgroundServer(create_app(assistant, corpus_settings.with_overrides(api_token=TOKEN))) as server:
        yield server.url


@pytest.fixture(scope="session")
def http(server_url):
    import httpx

    with httpx.Client(base_url=server_url, timeout=120) as client:
        yield client
