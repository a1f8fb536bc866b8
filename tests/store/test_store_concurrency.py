"""Each store operation is atomic on its own, under many threads and many processes at once."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor

from simulator.store import open_store

THREADS = 8
PER_WORKER = 25
PROCESSES = 4


def _hammer(store, worker: int) -> dict:
    """What one worker does; the results let the test check nothing was lost or duplicated."""
    won = [store.add_if_absent("nonces", "the-same-nonce", worker)]
    won += [store.add_if_absent("nonces", f"n{i % 5}", worker) for i in range(PER_WORKER)]
    ids = [store.incr("counters", "id") for _ in range(PER_WORKER)]
    for i in range(PER_WORKER):
        store.put("faces", f"w{worker}-{i}", {"worker": worker, "i": i})
    positions = [store.append("journal", {"worker": worker, "i": i}) for i in range(PER_WORKER)]
    sequence = [store.sequence() for _ in range(PER_WORKER)]
    return {"won": sum(won), "ids": ids, "positions": positions, "sequence": sequence}


def _check(store, results: list[dict], workers: int) -> None:
    total = workers * PER_WORKER
    assert sum(r["won"] for r in results) == 1 + 5  # one nonce and five keys: each won exactly once
    assert sorted(i for r in results for i in r["ids"]) == list(range(1, total + 1))
    assert sorted(p for r in results for p in r["positions"]) == list(range(1, total + 1))
    assert sorted(n for r in results for n in r["sequence"]) == list(range(1, total + 1))
    assert len(store.items("faces")) == total
    assert len(store.values("journal")) == total
    assert store.get("counters", "id") == total


def test_threads_lose_and_duplicate_nothing(store):
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda w: _hammer(store, w), range(THREADS)))
    _check(store, results, THREADS)


def _process_worker(url: str, worker: int, queue) -> None:
    queue.put(_hammer(open_store(url), worker))


def test_processes_sharing_a_store_lose_and_duplicate_nothing(shared_store_url):
    store = open_store(shared_store_url)
    context = multiprocessing.get_context("spawn")  # nothing inherited: each process opens the store itself
    queue = context.Queue()
    processes = [context.Process(target=_process_worker, args=(shared_store_url, w, queue)) for w in range(PROCESSES)]
    for p in processes:
        p.start()
    results = [queue.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=30)
        assert p.exitcode == 0
    _check(store, results, PROCESSES)
    store.clear()
