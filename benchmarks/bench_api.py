"""HTTP load on the app under gunicorn, beside a bare Flask route served the same way.

    python benchmarks/bench_api.py [--duration 10] [--threads 2] [--connections 16]

Imports the seeds into a fresh instance folder in a temporary directory, serves the registry
(``registry.app:create_app()``) and a one-route Flask app (``create_bare_app()`` below) with
gunicorn, 2 sync workers each, on free ports of 127.0.0.1, and drives them one after the other
with ``wrk`` for a bounded time: the practice JSON of a seed, the search page, the bare route.
Prints requests/s, latency p50/p95, errors (non-2xx responses and socket errors) and the ratio
to the bare route. Goal: ≥ 0.5× the bare route's throughput and 0 errors.

The registry runs as in production, with its page cache (``registry/cache.py``: whole
responses for anonymous readers, per worker, keyed on the instance's change stamp) at its
default size; wrk sends no cookie, like an anonymous reader. The ``cached`` column is the share
of responses that said ``X-Cache: HIT`` (``-``: no ``X-Cache`` header at all, the bare route).
``--page-cache 0`` measures the views without it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent / "seeds"
HOST = "127.0.0.1"
WORKERS = 2
GOAL_RATIO = 0.5

#: wrk script: count non-2xx responses and X-Cache headers (all, HIT) in every thread, print
#: one JSON line when done.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0; cache_seen = 0; cache_hits = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  local cache = headers["X-Cache"]
  if cache then
    cache_seen = cache_seen + 1
    if cache == "HIT" then cache_hits = cache_hits + 1 end
  end
end
function done(summary, latency, requests)
  local non2xx_total, seen, hits = 0, 0, 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    seen = seen + thread:get("cache_seen")
    hits = hits + thread:get("cache_hits")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"non2xx": %d, "socket_errors": %d, "cache_seen": %d, "cache_hits": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    non2xx_total, e.connect + e.read + e.write + e.timeout, seen, hits))
end
"""


def create_bare_app() -> Flask:
    """The comparison point: one route returning a small JSON document."""
    app = Flask(__name__)

    @app.get("/bare")
    def bare() -> dict:
        return {"status": "ok", "items": [1, 2, 3]}

    return app


@dataclass
class Result:
    """One wrk run against one endpoint."""

    endpoint: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    cache_seen: int = 0  # responses with an X-Cache header
    cache_hits: int = 0  # ... saying HIT

    @property
    def cached(self) -> str:
        return f"{self.cache_hits / self.cache_seen:.0%}" if self.cache_seen else "-"

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def seed_instance(instance: Path) -> str:
    """Create a registry in ``instance``, import the seeds; the id of the first practice."""
    from registry.config import Config  # imported here: gunicorn's bare workers import this file
    from registry.services import Registry

    registry = Registry.from_config(Config(instance_dir=instance))
    try:
        registry.init()
        results = registry.imports.import_paths(sorted(SEEDS.glob("*.txt")))
    finally:
        registry.close()
    rejected = [r.path for r in results if r.status == "rejected"]
    if rejected:
        raise SystemExit(f"seed documents rejected: {rejected}")
    return next(pid for r in results for pid in r.practice_ids)


def start_gunicorn(app: str, port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn with the benchmark's settings serving ``app`` on 127.0.0.1:``port``."""
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
               "--bind", f"{HOST}:{port}", "--pythonpath", str(HERE),
               "--log-level", "warning", app]
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_up(process: subprocess.Popen, url: str, log: Path, timeout: float = 60) -> None:
    """Poll ``url`` until it answers 200; fail early if gunicorn exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful shutdown), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_wrk(endpoint: str, url: str, script: Path, args: argparse.Namespace,
            duration: int) -> Result:
    """One bounded wrk run against ``url`` (loopback only)."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s",
               "--timeout", "10s", "--latency", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if done.returncode or line is None:
        raise SystemExit(f"wrk failed on {url} ({done.returncode}):\n{done.stdout}{done.stderr}")
    data = json.loads(line.removeprefix("WRK_RESULT "))
    return Result(endpoint, data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1000,
                  data["p95_us"] / 1000, data["non2xx"] + data["socket_errors"],
                  data["cache_seen"], data["cache_hits"])


def report(results: list[Result], bare: Result, args: argparse.Namespace) -> None:
    """The table, with the ratio of each endpoint's throughput to the bare route's."""
    cache = "default size" if args.page_cache is None else f"{args.page_cache} MiB"
    print(f"\ngunicorn {WORKERS} sync workers per app; wrk -t{args.threads} "
          f"-c{args.connections} -d{args.duration}s on {HOST}; {os.cpu_count()} CPUs; "
          f"registry page cache: {cache}")
    print(f"| {'endpoint':<34} | {'req/s':>8} | {'p50 ms':>7} | {'p95 ms':>7} | "
          f"{'errors':>6} | {'× bare':>6} | {'cached':>6} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 8}|{'-' * 8}|")
    for r in results:
        ratio = r.rate / bare.rate if bare.rate else 0.0
        print(f"| {r.endpoint:<34} | {r.rate:8,.0f} | {r.p50_ms:7.2f} | {r.p95_ms:7.2f} | "
              f"{r.errors:6d} | {ratio:6.2f} | {r.cached:>6} |")
    print(f"goal: ≥ {GOAL_RATIO}× the bare route's req/s, 0 errors")
    for r in results:
        if r is not bare and (r.rate < GOAL_RATIO * bare.rate or r.errors):
            print(f"  below goal: {r.endpoint}")


def main() -> None:
    parser = argparse.ArgumentParser(description="HTTP load benchmark of the app under gunicorn")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per endpoint")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--page-cache", type=int, default=None, metavar="MIB",
                        help="REGISTRY_PAGE_CACHE for the registry (default: its default; "
                             "0: no page cache)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian package wrk; `make bench-api` installs it)")

    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        folder = Path(tmp)
        instance = folder / "instance"
        practice_id = seed_instance(instance)
        script = folder / "report.lua"
        script.write_text(WRK_SCRIPT)
        # A fresh SQLite instance only: no database URL or other setting from the caller.
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        env["REGISTRY_INSTANCE_DIR"] = str(instance)
        if args.page_cache is not None:
            env["REGISTRY_PAGE_CACHE"] = str(args.page_cache)
        registry_port, bare_port = free_port(), free_port()
        registry_base, bare_base = f"http://{HOST}:{registry_port}", f"http://{HOST}:{bare_port}"
        targets = [
            (f"GET /api/practices/{practice_id}", f"{registry_base}/api/practices/{practice_id}"),
            ("GET /?q=familia (search page)", f"{registry_base}/?q=familia"),
            ("GET /bare (bare Flask route)", f"{bare_base}/bare"),
        ]
        servers = [("registry.app:create_app()", registry_port, targets[1][1]),
                   ("bench_api:create_bare_app()", bare_port, targets[2][1])]
        try:
            for app, port, _ in servers:
                processes.append(start_gunicorn(app, port, folder / f"gunicorn-{port}.log", env))
            for process, (_, port, url) in zip(processes, servers, strict=True):
                wait_until_up(process, url, folder / f"gunicorn-{port}.log")
            results = []
            for endpoint, url in targets:
                if args.warmup:
                    run_wrk(endpoint, url, script, args, args.warmup)
                results.append(run_wrk(endpoint, url, script, args, args.duration))
                print(f"{endpoint}: {results[-1].rate:,.0f} req/s, "
                      f"cached {results[-1].cached}", flush=True)
        finally:
            for process in processes:
                stop(process)
    report(results, results[-1], args)


if __name__ == "__main__":
    main()
