"""llama.cpp in a child process: the `local` answerer's model runs here, so a native crash (SIGILL from a build
that does not fit the CPU, SIGSEGV) ends this worker only; the server answers 503 naming the backend and starts a
fresh worker for the next question.

Protocol, one JSON object per line: the parent writes a request `{"messages", "temperature", "max_tokens",
"stop"}` on the worker's stdin; the worker answers `{"text": piece}` lines, then `{"done": true}` or
`{"error": message}`. Run as `python -m app.answer.worker MODEL.gguf --n-ctx 2048`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterator

from app.errors import BackendError


class WorkerCrashed(BackendError):
    """The worker process died (a native crash, or killed) while answering."""


class LlamaWorker:
    """The parent's handle on one worker process, started on first use and again after a crash. One request at
    a time (llama.cpp's context is not shared between threads)."""

    def __init__(self, model_path: str, n_ctx: int, crash_signal: int | None = None) -> None:
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.crash_signal = crash_signal  # test-only: the worker kills itself with it on each request
        self._process: subprocess.Popen | None = None
        self._stderr = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "app.answer.worker", self.model_path, "--n-ctx", str(self.n_ctx)]
        if self.crash_signal:
            command += ["--crash-signal", str(int(self.crash_signal))]
        self._stderr = tempfile.TemporaryFile()
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True, bufsize=1
        )
        weakref.finalize(self, _stop, process)
        return process

    def chat(self, messages: list[dict], temperature: float, max_tokens: int, stop: list[str]) -> Iterator[str]:
        """The reply's text pieces as the worker writes them."""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            request = {"messages": messages, "temperature": temperature, "max_tokens": max_tokens, "stop": stop}
            finished = False
            try:
                try:
                    process.stdin.write(json.dumps(request) + "\n")
                    process.stdin.flush()
                except OSError:
                    raise self._crashed(process) from None
                for line in process.stdout:
                    message = json.loads(line)
                    if "text" in message:
                        yield message["text"]
                    elif "error" in message:
                        finished = True
                        raise BackendError(f"llama.cpp worker: {message['error']}")
                    else:
                        finished = True
                        return
                raise self._crashed(process)
            finally:
                if not finished and process.poll() is None:  # the reader stopped early: this worker is out of step
                    _stop(process)

    def _crashed(self, process: subprocess.Popen) -> WorkerCrashed:
        code = process.wait()
        self._process = None
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0)
            lines = self._stderr.read().decode(errors="replace").strip().splitlines()
            tail = f"; last output: {lines[-1][:160]}" if lines else ""
        return WorkerCrashed(f"the llama.cpp worker for {os.path.basename(self.model_path)} died with {how}{tail}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_path")
    parser.add_argument("--n-ctx", type=int, default=2048)
    parser.add_argument("--crash-signal", type=int, default=0)
    args = parser.parse_args()
    replies = os.fdopen(os.dup(1), "w", buffering=1)  # the protocol's channel; native prints go to stderr
    os.dup2(2, 1)
    from llama_cpp import Llama

    llama = Llama(model_path=args.model_path, n_ctx=args.n_ctx, verbose=False, seed=0)
    for line in sys.stdin:
        request = json.loads(line)
        if args.crash_signal:
            os.kill(os.getpid(), args.crash_signal)
        try:
            pieces = llama.create_chat_completion(
                request["messages"],
                temperature=request["temperature"],
                max_tokens=request["max_tokens"],
                stop=request["stop"],
                stream=True,
            )
            for piece in pieces:
                text = piece["choices"][0]["delta"].get("content") or ""
                if text:
                    replies.write(json.dumps({"text": text}) + "\n")
            replies.write(json.dumps({"done": True}) + "\n")
        except Exception as exc:  # a Python-level failure is one line to the parent; the worker stays up
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]}) + "\n")


if __name__ == "__main__":
    main()
