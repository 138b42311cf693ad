"""Twenty simultaneous /api/ask requests on the real server: all answered correctly, and /health still answers
while they run (answers run in the threadpool, not on the event loop). Latencies are printed, not asserted."""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from evals.metrics import percentile

QUESTIONS = [
    ("How much bitcoin did Cango sell to repay its loan?", "4,451"),
    ("What is IREN's contract with Microsoft worth?", "$9.7 billion"),
    ("How much BTC did Riot hold at the end of December 2025?", "18,005"),
    ("How many bitcoin did CleanSpark mine in September 2025?", "629"),
]
REQUESTS = 20


def timed_ask(server_url: str, i: int) -> tuple[int, str, str, float]:
    question, figure = QUESTIONS[i % len(QUESTIONS)]
    with httpx.Client(base_url=server_url, timeout=120) as client:
        started = time.perf_counter()
        response = client.post("/api/ask", json={"question": question})
        elapsed = time.perf_counter() - started
    answer = response.json().get("answer", "") if response.status_code == 200 else response.text
    return response.status_code, answer, figure, elapsed * 1000


def test_twenty_simultaneous_asks(server_url):
    serial = [timed_ask(server_url, i)[3] for i in range(len(QUESTIONS))]  # also warms every code path
    health: list[tuple[int, float]] = []  # (status, ms); asserted in the test's own thread
    done = threading.Event()

    def poll_health() -> None:
        with httpx.Client(base_url=server_url, timeout=30) as client:
            while not done.is_set():
                started = time.perf_counter()
                status = client.get("/health").status_code
                health.append((status, (time.perf_counter() - started) * 1000))
                time.sleep(0.02)

    poller = threading.Thread(target=poll_health)
    poller.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        results = list(pool.map(lambda i: timed_ask(server_url, i), range(REQUESTS)))
    wall = (time.perf_counter() - started) * 1000
    done.set()
    poller.join()

    for status, answer, figure, _ in results:
        assert status == 200, answer
        assert figure in answer, answer
    assert health, "/health was never answered while the asks ran"
    assert all(status == 200 for status, _ in health), health
    health_ms = [ms for _, ms in health]
    latencies = [r[3] for r in results]
    print(
        f"\n{REQUESTS} concurrent /api/ask: p50 {percentile(latencies, 50):.0f} ms, "
        f"p95 {percentile(latencies, 95):.0f} ms, wall {wall:.0f} ms "
        f"(one at a time: median {statistics.median(serial):.0f} ms); "
        f"/health meanwhile: {len(health_ms)} calls, max {max(health_ms):.0f} ms"
    )
