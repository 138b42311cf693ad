"""The index's exceptions: each carries a one-line message that names the file, field or value at fault."""


class NewsdeskError(Exception):
    """Base for errors shown to the user as one line (CLI) or a 4xx (API)."""


class IngestError(NewsdeskError):
    """An article file that cannot be read, parsed or stored."""


class ConfigError(NewsdeskError):
    """A setting that points at something missing or unusable."""


class BackendError(NewsdeskError):
    """A server newsdesk depends on (Chroma, an LLM endpoint) did not answer."""
