"""Issue 15: what a Redis outage costs a page and a login (figures for docs/operations.md).

Starts a redis-server of its own on a spare port (the portal's Redis is left alone), points the cache at it, and
times the eGestion home page of `entreprise@demo.constructys.fr` and a login with Redis up, stopped and frozen
(SIGSTOP: a Redis that accepts nothing and answers nothing). `--plain` uses Django's RedisCache instead of
common.cache.ResilientRedisCache, to see what the portal did before.

    make services && make seed
    .venv/bin/python bench/redis_outage.py [--plain]
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import accept_current_terms, percentile, setup_django  # noqa: E402

EMAIL = "entreprise@demo.constructys.fr"
PASSWORD = "Constructys-2026!"


def start_redis(port, directory):
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        cwd=directory,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def timed(call, runs):
    samples, codes = [], set()
    for _ in range(runs):
        started = time.perf_counter()
        codes.add(call())
        samples.append((time.perf_counter() - started) * 1000)
    return samples, codes


def line(name, samples, codes):
    print(
        f"{name:<34} p50 {percentile(samples, 0.5):8.1f} ms   p95 {percentile(samples, 0.95):8.1f} ms   "
        f"max {max(samples):8.1f} ms   answers {sorted(codes)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plain", action="store_true", help="Django's RedisCache (the portal before issue 15)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    setup_django()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    setup_test_environment()  # the test client's response attributes; nothing else changes
    settings.ALLOWED_HOSTS = ["*"]
    if args.plain:
        settings.CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
        settings.CACHES["default"]["OPTIONS"] = {}
    user = User.objects.get(email=EMAIL)
    accept_current_terms(user)

    def page():
        client = page.client
        return client.get("/egestion/").status_code

    def login():
        return (
            Client(raise_request_exception=False)
            .post("/egestion/connexion/", {"login": EMAIL, "password": PASSWORD})
            .status_code
        )

    page.client = Client(raise_request_exception=False)
    page.client.force_login(user)

    with tempfile.TemporaryDirectory() as directory:
        redis = start_redis(port, directory)
        try:
            print(f"cache backend: {settings.CACHES['default']['BACKEND']}, options {settings.CACHES['default']}")
            for state in ("up", "stopped", "frozen"):
                if state == "stopped":
                    redis.kill()
                    redis.wait()
                elif state == "frozen":
                    redis = start_redis(port, directory)
                    page.client.get("/egestion/")  # open the connections while it answers
                    redis.send_signal(signal.SIGSTOP)
                line(f"eGestion home, Redis {state}", *timed(page, args.runs))
                line(f"login, Redis {state}", *timed(login, max(3, args.runs // 2)))
        finally:
            redis.send_signal(signal.SIGCONT)
            redis.kill()
            redis.wait()


if __name__ == "__main__":
    main()
