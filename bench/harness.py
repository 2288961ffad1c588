"""Shared plumbing of the benchmark scripts: Django set-up, timing of pages served in-process, percentiles.

Server time is measured with Django's test client in the same process, against the development database
(seeded with `make bench`), so it counts the view, the ORM, the queries and the templates, not the network.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The settings production reads (DEBUG off before Django loads them: the template engine's debug mode and the
# hashed static names follow it), for gunicorn's environment and for an in-process measurement alike.
PRODUCTION_SETTINGS = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-throughput-secret-key-not-used-anywhere-else-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def accept_current_terms(user):
    """Benchmark accounts may predate the RGPD/CGU texts in force: accept them, as their first login would."""
    from accounts.models import Consent, ConsentVersion

    Consent.objects.bulk_create(
        [Consent(user=user, version=version) for version in ConsentVersion.objects.current()], ignore_conflicts=True
    )


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def time_page(client, url, *, runs=50, warmup=5):
    """GET `url` `runs` times; returns the server times in milliseconds. Fails loudly on a non-200 answer."""
    from django.db import connection, reset_queries

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    samples = []
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return samples, len(connection.queries)


def logged_in_client(user):
    """Django's test client with `user` logged in (pages served in-process)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def time_pages(client, pages, *, runs, suffix="", target_p95=None):
    """time_page then report for each (label, url) of `pages`; `suffix` ends every label (the volumes)."""
    for label, url in pages:
        samples, queries = time_page(client, url, runs=runs)
        report(f"{label}{suffix}", samples, queries, target_p95=target_p95)


def report(name, samples, queries=None, target_p95=None):
    p50, p95 = percentile(samples, 0.50), percentile(samples, 0.95)
    verdict = ""
    if target_p95 is not None:
        verdict = "  OK" if p95 <= target_p95 else f"  OVER the {target_p95} ms target"
    extra = f"  {queries} queries" if queries is not None else ""
    print(
        f"{name:<45} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(samples):7.1f} ms  "
        f"mean {statistics.fmean(samples):7.1f} ms{extra}{verdict}"
    )
    return p95


class PeakMemory:
    """Peak Python memory allocated inside the block (tracemalloc), in MiB."""

    def __enter__(self):
        tracemalloc.start()
        return self

    def __exit__(self, *exc):
        self.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
