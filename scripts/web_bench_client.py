"""What the web benchmarks share: a signed-in test client and a timing loop."""
from __future__ import annotations

import statistics
import time


def signed_in_client(app, role: str):
    """A test client carrying an API token of a throwaway ``role`` account,
    created in the accounts file beside the benchmark's temporary graph."""
    accounts = app.extensions["graphsvc.accounts"]
    accounts.create_user("bench", "bench-password", role, by="script")
    token = accounts.create_token("bench", by="script", name="script")[0]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + token
    return client


def time_pages(client, pages, runs: int, width: int = 32) -> None:
    """Print, per page, the first request's time and the later ones' spread."""
    for name, path in pages:
        t = time.perf_counter()
        r = client.get(path)
        first = time.perf_counter() - t
        assert r.status_code == 200, (path, r.status_code)
        xs = []
        for _ in range(runs):
            t = time.perf_counter()
            client.get(path)
            xs.append(time.perf_counter() - t)
        print(f"  {name:>{width}}: first {first * 1000:8.1f} ms; median "
              f"{statistics.median(xs) * 1000:8.1f} ms, min {min(xs) * 1000:8.1f}, "
              f"max {max(xs) * 1000:8.1f}")
