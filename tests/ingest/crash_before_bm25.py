"""Run in a child process by test_stale_lexical.py: `newsdesk ingest ARGS...`, killed with SIGKILL at the moment
it starts writing BM25 (after its last chunk was written), as a crash or an OOM kill would."""

import os
import signal
import sys

from app.cli import main
from ingest.lexical import LexicalIndex


def killed(*_args, **_kwargs) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    LexicalIndex.build = killed
    LexicalIndex.update = killed
    sys.argv = ["newsdesk", "ingest", *sys.argv[1:]]
    main()
