"""The app's exceptions: the index's (ingest.errors) plus what only questions can get wrong."""

from ingest.errors import BackendError, ConfigError, IngestError, NewsdeskError

__all__ = ["BackendError", "ConfigError", "IngestError", "NewsdeskError", "QuestionError"]


class QuestionError(NewsdeskError):
    """A question, history or filter that cannot be answered as given."""
