"""Issue 20: the échéances of the busiest benchmark users — the refresh of their dossiers, the home panels'
selectors ("À venir") and the iCalendar feed.

    make bench                      # once: 200 000 dossiers
    .venv/bin/python bench/deadlines_feed.py [--runs 30]

The benchmark dossiers carry no CERFA data, so each has its start and end (and, outside apprenticeship, the
documents due after the training): the rows are fewer than a real apprenticeship's (about ten), the queries the same.
The script first computes the échéances of every dossier the two users see (what the nightly task does) and keeps
them.
"""

import argparse
import time

from harness import report, setup_django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from deadlines import selectors, services
    from deadlines.models import Deadline
    from dossiers.models import Dossier

    company = User.objects.filter(email="bench-user-000000@bench.constructys.fr").first()
    provider = User.objects.filter(email="bench-of-000000@bench.constructys.fr").first()
    if company is None or provider is None:
        raise SystemExit("Benchmark users not found: seed the benchmark volumes first (make bench).")
    ids = set(Dossier.objects.for_company_user(company).values_list("pk", flat=True))
    ids |= set(Dossier.objects.for_provider_user(provider).values_list("pk", flat=True))
    ids = sorted(ids)
    started = time.perf_counter()
    for first in range(0, len(ids), services.REFRESH_BATCH_SIZE):
        services.refresh_many(ids[first : first + services.REFRESH_BATCH_SIZE])
    elapsed = time.perf_counter() - started
    print(
        f"refresh of {len(ids)} dossiers: {elapsed:.1f} s ({1000 * elapsed / max(len(ids), 1):.2f} ms per dossier), "
        f"{Deadline.objects.filter(dossier_id__in=ids).count()} rows"
    )
    today = timezone.localdate()

    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        for name, run in (
            (
                "À venir, company (selector)",
                lambda: list(selectors.upcoming_for_company_user(company, None, today)[:50]),
            ),
            (
                "À venir, provider (selector)",
                lambda: list(selectors.upcoming_for_provider_user(provider, None, today)[:50]),
            ),
        ):
            samples = []
            for _ in range(args.runs):
                reset_queries()
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
            report(name, samples, len(connection.queries), target_p95=100)
        for user in (company, provider):
            url = reverse("deadlines:feed", args=[services.feed_token(services.feed_for(user))])
            client = Client()
            samples = []
            for _ in range(args.runs):
                reset_queries()
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
            events = response.content.count(b"BEGIN:VEVENT")
            report(f"feed of {user.email.split('@')[0]} ({events} events)", samples, len(connection.queries))
    print(f"database: {settings.DATABASES['default']['NAME']}")


if __name__ == "__main__":
    main()
