"""The HTTP API (FastAPI): ask, search, articles, status and health, with the OpenAI-compatible routes and the
web chat mounted on the same server. `serve` builds one Assistant and runs it under uvicorn; the chat and the MCP
server are built right after the start (Deferred), so /health is ready when the index is.

When `settings.api_token` is set, every route except /health and the OpenAPI docs needs
`Authorization: Bearer TOKEN`. A browser opens the chat once as `/?token=TOKEN`; that sets an HttpOnly cookie
and redirects to the same page without the token, and the cookie then carries it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import re
import threading
from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.answer.base import Answer
from app.articles import ArticleOut, ArticleRecord, Desk
from app.assistant import MAX_K, Assistant
from app.errors import BackendError, ConfigError, IngestError, NewsdeskError, QuestionError
from app.feedback import FeedbackIn, FeedbackLog, UnknownTrace
from app.ledger import FactFilter, facts_table
from app.retrieval.filters import Filters
from app.retrieval.search import Passage
from app.settings import Settings
from ingest.lexical import LexicalIndex
from ingest.pipeline import IngestReport
from ingest.stats import index_stats
from ingest.store import read_generation

log = logging.getLogger(__name__)
TOKEN_COOKIE = "newsdesk_token"
OPEN_PATHS = {"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
STATUS = {UnknownTrace: 404, QuestionError: 400, ConfigError: 400, BackendError: 503, IngestError: 503}
MAX_ARTICLES_PAGE = 500

bearer = HTTPBearer(auto_error=False, description="Needed when NEWSDESK_API_TOKEN is set.")


class Message(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question; at most settings.max_question_chars characters.")
    history: list[Message] | None = Field(None, description="Earlier turns, oldest first, for follow-ups.")
    filters: Filters | None = None
    k: int | None = Field(None, ge=1, le=MAX_K, description="Passages to retrieve (default 6).")
    answerer: str | None = Field(None, description="grounded (default), openai or local.")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str
    k: int = Field(6, ge=1, le=MAX_K)
    filters: Filters | None = None


class SearchResponse(BaseModel):
    passages: list[Passage]


class ArticlesPage(BaseModel):
    total: int
    offset: int
    limit: int
    articles: list[ArticleOut]


def create_app(assistant: Assistant, settings: Settings, host: str = "127.0.0.1") -> FastAPI:
    """The whole server: REST routes, /v1 (OpenAI-compatible), MCP at /mcp and the chat UI at /. `host` is the
    interface it will be served on (MCP keeps its DNS-rebinding protection on loopback)."""
    from app.openai_compat import router as openai_router

    desk = Desk(assistant)
    mcp = Deferred("MCP server", lambda: mcp_app(assistant, desk, host))
    chat = Deferred("web chat", lambda: chat_app(assistant, settings, desk))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with mcp.running(), chat.running():  # each built after the start, then its own lifespan runs
            yield

    app = FastAPI(
        title="newsdesk",
        summary="Ask the news, get answers with cited passages you can check.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.assistant = assistant
    app.state.settings = settings
    app.state.desk = desk
    app.state.feedback = FeedbackLog(settings, assistant.traces)
    app.router.routes.append(Route("/mcp", mcp))  # an ASGI endpoint: every method reaches MCP
    app.include_router(rest_router())
    app.include_router(openai_router, dependencies=[Depends(bearer)])
    app.add_exception_handler(NewsdeskError, newsdesk_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
    app.add_api_route("/api/{rest:path}", no_such_route, methods=ANY_METHOD, include_in_schema=False)
    app.add_api_route("/v1/{rest:path}", no_such_route, methods=ANY_METHOD, include_in_schema=False)
    if settings.api_token:
        app.add_middleware(TokenGate, token=settings.api_token)
    app.state.chat = chat
    app.mount("/", chat)  # at "/", last: API paths it does not know must be answered before
    return app


GRADIO_BUILDS = threading.Lock()  # Gradio's `with gr.Blocks()` context is process-wide: one chat built at a time


def chat_app(assistant: Assistant, settings: Settings, desk: Desk) -> FastAPI:
    """The Gradio chat on an app of its own, served at "/" once built."""
    from app.ui import build_ui, mount_ui

    with GRADIO_BUILDS:  # two servers in one process (the tests') build theirs in two threads
        return mount_ui(FastAPI(), build_ui(assistant, settings, desk))


def mcp_app(assistant: Assistant, desk: Desk, host: str) -> Starlette:
    """The MCP tools over streamable HTTP, served at /mcp once built."""
    from app.mcp_server import build_mcp, http_app

    return http_app(build_mcp(assistant, desk), host)


class Deferred:
    """A part of the server built in a worker thread once the server runs — the web chat (importing and building
    Gradio, about 3 s) and the MCP server (importing the MCP SDK, about 1 s) — so that it is not part of the start:
    /health, the REST API and /v1 answer as soon as the index is loaded, and a request for the part that comes
    before it is built waits for it (a 503 naming the error if it could not be built)."""

    BUILD_TIMEOUT_S = 300.0

    def __init__(self, name: str, build: Callable[[], Starlette]) -> None:
        self.name = name
        self.build = build
        self.app: Starlette | None = None
        self.error = ""
        self._built = threading.Event()  # set when the build finished, well or not
        self._started = False
        self._ready: asyncio.Event | None = None
        self._stop: asyncio.Event | None = None

    @contextlib.asynccontextmanager
    async def running(self):
        """Inside the server's lifespan: builds the part and runs its own lifespan (Gradio's queue, MCP's session
        manager) until shutdown."""
        self._ready, self._stop = asyncio.Event(), asyncio.Event()
        self._started = True
        task = asyncio.create_task(self._serve())
        try:
            yield
        finally:
            self._stop.set()
            await task

    async def _serve(self) -> None:
        try:
            built = await asyncio.to_thread(self.build)
            async with built.router.lifespan_context(built):  # entered and left in this one task
                self.app = built
                self._finish()
                await self._stop.wait()
        except Exception as exc:  # the API keeps serving; the part answers 503 naming the failure
            log.exception("the %s could not be built", self.name)
            self.error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        finally:
            self._finish()

    def _finish(self) -> None:
        self._built.set()
        self._ready.set()

    @property
    def routes(self) -> list:
        """The part's routes once it is built (waiting for the build while the server runs), for walks of the
        app's routes."""
        if self._started:
            self._built.wait(self.BUILD_TIMEOUT_S)
        return list(self.app.routes) if self.app is not None else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._ready is not None:
            await self._ready.wait()
        if self.app is None and scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1011})
            return
        if self.app is None:
            why = self.error or "the server's lifespan has not started it"
            await JSONResponse({"error": f"the {self.name} is not available ({why})"}, status_code=503)(
                scope, receive, send
            )
            return
        await self.app(scope, receive, send)


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def no_such_route(rest: str, request: Request) -> JSONResponse:
    """An /api or /v1 path that is not there: 404 in the API's shape, not the chat app's {"detail"}."""
    return error_response(request, 404, f"no such route: {request.method} {request.url.path}")


def rest_router() -> APIRouter:
    router = APIRouter()
    api = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(bearer)])

    @router.get("/health", tags=["health"], responses={503: {"description": "Chroma or the index is not usable."}})
    def health(request: Request) -> JSONResponse:
        """Readiness: 200 `{"status": "ok", ...}` when Chroma answers; 503 `{"status": "unavailable", ...}` when
        it does not. Also the index's chunk count, store generation and whether its BM25 side is stale."""
        return health_response(assistant_of(request))

    # def endpoints: FastAPI runs them in its threadpool, so a CPU-bound answer never blocks the event loop
    @api.post("/ask", response_model=Answer)
    def ask(body: AskRequest, request: Request) -> Answer:
        """Answer a question with numbered citations (the whole Answer record)."""
        history = [m.model_dump() for m in body.history] if body.history is not None else None
        return assistant_of(request).ask(body.question, history, body.filters, body.k, body.answerer)

    @api.post("/search", response_model=SearchResponse)
    def search(body: SearchRequest, request: Request) -> SearchResponse:
        """Retrieval only: the k best passages for a query."""
        return SearchResponse(passages=assistant_of(request).search(body.query, body.k, body.filters))

    @api.get("/articles", response_model=ArticlesPage)
    def articles(
        request: Request,
        offset: int = Query(0, ge=0),
        limit: int = Query(50, ge=1, le=MAX_ARTICLES_PAGE),
    ) -> ArticlesPage:
        """What is indexed, newest first, one page at a time."""
        listed = desk_of(request).list()
        return ArticlesPage(total=len(listed), offset=offset, limit=limit, articles=listed[offset : offset + limit])

    @api.post("/articles", openapi_extra=ADD_ARTICLES_BODY, responses={200: {"description": "The ingest report."}})
    async def add_articles(request: Request) -> JSONResponse:
        """Add articles: JSON fields (one object or a list), or multipart files (`file`, repeatable) in any format
        `newsdesk ingest` reads; a record with a url and no text has its url fetched. The answer is the ingest
        report; what was added is answerable at once."""
        desk = desk_of(request)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            uploads = [item for key in ("file", "files") for item in form.getlist(key) if hasattr(item, "read")]
            if not uploads:
                return error_response(request, 422, "file: no file in the form (send the field `file`)")
            files = [(upload.filename or "upload", await upload.read()) for upload in uploads]
            report = await run_in_threadpool(desk.add_files, files)
        else:
            try:
                parsed = RECORDS.validate_json(await request.body())
            except ValidationError as exc:
                return error_response(request, 422, describe_errors(exc.errors()))
            records = parsed if isinstance(parsed, list) else [parsed]
            if not records:
                return error_response(request, 422, "body: the list of articles is empty")
            report = await run_in_threadpool(desk.add_records, records)
        return report_response(request, report)

    @api.delete("/articles/{article_id}", responses={200: {"description": "The ingest report (removed: 1)."}})
    async def delete_article(article_id: str, request: Request) -> JSONResponse:
        """Remove an article (its chunks, its manifest entry, its BM25 rows)."""
        desk = desk_of(request)
        if not desk.has(article_id):
            return error_response(request, 404, f"article {article_id!r}: no such article in the index")
        return report_response(request, await run_in_threadpool(desk.delete, article_id))

    @api.get("/facts", responses={400: {"description": "A filter names an unknown measure or a bad date."}})
    def facts(
        request: Request,
        company: str | None = Query(None, description="A company's name or ticker, matched loosely."),
        measure: str | None = Query(None, description="btc_sold, btc_held, btc_mined, contract_value, ..."),
        since: str | None = Query(None, description="Facts as of this date or later (YYYY-MM-DD)."),
        until: str | None = Query(None, description="Facts as of this date or earlier (YYYY-MM-DD)."),
        format: Literal["json", "csv"] = Query("json"),
    ):
        """The ledger: every reported sale, holding, production figure and deal, dated and cited, oldest as-of
        first, with the groups of reports that disagree. `format=csv` gives the rows as CSV."""
        table = facts_table(assistant_of(request).ledger, FactFilter.parse(company, measure, since, until))
        if format == "csv":
            return PlainTextResponse(table.to_csv(), media_type="text/csv")
        return JSONResponse(table.to_dict())

    @api.post("/feedback", responses={404: {"description": "No answer has this trace id."}})
    def feedback(body: FeedbackIn, request: Request) -> dict:
        """Thumbs up or down on an answer, with an optional note: by the answer's trace_id (question, history,
        answer and citations are read from its trace) or with question and answer given. Stored in the data
        dir; `newsdesk feedback export` turns them into eval-set rows."""
        record = feedback_of(request).add(body)
        return {"id": record.id, "trace_id": record.trace_id, "rating": record.rating}

    @api.get("/traces/{trace_id}", responses={404: {"description": "No answer has this trace id."}})
    def trace(trace_id: str, request: Request) -> JSONResponse:
        """What led to an answer: per-stage timings, every passage considered with its scores, the citations."""
        found = assistant_of(request).traces.find(trace_id)
        if found is None:
            return error_response(request, 404, f"trace_id: no answer with trace id {trace_id!r}")
        return JSONResponse(found)

    @api.get("/status")
    def status(request: Request) -> dict:
        """Index statistics and which answerers can run."""
        assistant = assistant_of(request)
        return {
            "index": index_stats(assistant.settings, store=assistant.index.store).to_dict(),
            "answerers": assistant.answerers(),
            "default_answerer": assistant.settings.answerer,
        }

    router.include_router(api)
    return router


def health_response(assistant: Assistant) -> JSONResponse:
    store = assistant.index.store
    try:
        chunks = store.count()
    except Exception as exc:  # whatever a dead or broken Chroma raises, the probe answers
        return JSONResponse(
            {"status": "unavailable", "chroma": f"error: {str(exc).splitlines()[0][:300]}", "location": store.location},
            status_code=503,
        )
    staleness = LexicalIndex(assistant.settings.bm25_path).staleness(read_generation(assistant.settings), chunks)
    return JSONResponse(
        {
            "status": "ok",
            "chroma": "ok",
            "location": store.location,
            "chunks": chunks,
            "generation": read_generation(assistant.settings),
            "lexical": f"stale: {staleness}" if staleness else "ok",
        }
    )


def assistant_of(request: Request) -> Assistant:
    return request.app.state.assistant


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


def feedback_of(request: Request) -> FeedbackLog:
    return request.app.state.feedback


RECORDS = TypeAdapter(ArticleRecord | list[ArticleRecord])
RECORD_SCHEMA = ArticleRecord.model_json_schema()  # flat: no $defs to resolve
ADD_ARTICLES_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"anyOf": [RECORD_SCHEMA, {"type": "array", "items": RECORD_SCHEMA}]}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                }
            },
        },
    }
}


def report_response(request: Request, report: IngestReport) -> JSONResponse:
    """The ingest report; a 400 naming what failed when nothing at all could be stored or removed."""
    body = report.to_dict()
    stored = report.added + report.updated + report.unchanged + report.removed
    if report.errors and not stored:
        return JSONResponse({"error": "; ".join(report.errors), "report": body}, status_code=400)
    return JSONResponse(body)


# errors ----------------------------------------------------------------------------------------------------
def error_response(request: Request, status: int, message: str) -> JSONResponse:
    """{"error": message} for /api; OpenAI's {"error": {"message", "type", ...}} shape for /v1."""
    if request.url.path.startswith("/v1/"):
        kind = "server_error" if status >= 500 else "invalid_request_error"
        body: dict = {"error": {"message": message, "type": kind, "param": None, "code": None}}
    else:
        body = {"error": message}
    return JSONResponse(body, status_code=status)


async def newsdesk_error(request: Request, exc: Exception) -> JSONResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return error_response(request, status, str(exc))


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(request, 422, describe_errors(exc.errors()))


UNPARSABLE = "There was an error parsing the body"  # FastAPI's words for a body json.loads could not read


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Errors FastAPI raises itself (a body it cannot parse, a route that is not there) in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail)
    if message == UNPARSABLE:
        message = "body: is not valid JSON (it must be UTF-8, and not nested hundreds of levels deep)"
    return error_response(request, exc.status_code, message)


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """A bug, not bad input: still the API's {"error"} shape, naming the kind of failure (logged with its trace
    by the server)."""
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, f"internal error ({type(exc).__name__}); the server log has the details")


def describe_errors(errors: list) -> str:
    """Pydantic errors as one line naming each field: 'k: Input should be greater than or equal to 1'."""
    lines = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path"))
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if error.get("type") == "json_invalid":
            where, message = "body", "is not valid JSON"
        lines.append(f"{where or 'body'}: {message}")
    return "; ".join(lines)


# auth ------------------------------------------------------------------------------------------------------
class TokenGate:
    """Bearer-token check on every route but /health and the docs (pure ASGI, so SSE streams pass through)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        offered = connection.query_params.get("token")
        if offered is not None and scope["type"] == "http" and self.matches(offered):
            await self.cookie_redirect(connection)(scope, receive, send)
            return
        header = connection.headers.get("authorization", "")
        presented = header[7:].strip() if header.lower().startswith("bearer ") else None
        if self.matches(presented) or self.matches(connection.cookies.get(TOKEN_COOKIE)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        message = "missing or wrong token: send Authorization: Bearer <NEWSDESK_API_TOKEN> (or open /?token=...)"
        response = JSONResponse({"error": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)

    def matches(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token.encode())

    @staticmethod
    def cookie_redirect(connection: HTTPConnection) -> RedirectResponse:
        url = connection.url.remove_query_params("token")
        target = url.path + (f"?{url.query}" if url.query else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(TOKEN_COOKIE, connection.query_params["token"], httponly=True, samesite="strict")
        return response


# server ----------------------------------------------------------------------------------------------------
def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Build the Assistant once and run the chat + API under uvicorn until interrupted."""
    import uvicorn

    assistant = Assistant(settings)
    app = create_app(assistant, settings, host)
    print(f"newsdesk: web chat at http://{host}:{port}/  API docs at http://{host}:{port}/docs", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_token:
        print("newsdesk: open to the network with no token; set NEWSDESK_API_TOKEN to require one", flush=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="info")  # configures uvicorn's loggers
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.Server(config).run()


class RedactTokens(logging.Filter):
    """Takes the value of any `token=` query parameter out of access-log lines (`/?token=...` opens the chat)."""

    PATTERN = re.compile(r"((?:^|[?&;])token=)[^&;#\s]*", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = self.redact(str(record.msg))
        return True

    @classmethod
    def redact(cls, text: str) -> str:
        return cls.PATTERN.sub(r"\1[redacted]", text)
