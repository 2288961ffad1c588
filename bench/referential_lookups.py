"""Time of the referential look-ups of the CERFA wizard (`<Model>.objects.search(terms)`), typical terms.

    .venv/bin/python manage.py load_referentials --sample --generate 50000     # once
    .venv/bin/python bench/referential_lookups.py [--runs 50] [--explain]

Each look-up is one query, timed in-process from the ORM call to the last row (no view, no network). Target of the
issue: under 50 ms at the median with 50 000 referential entries. `--explain` prints each query's plan, to check
that the trigram and code indexes are used.
"""

import argparse
import time

from harness import percentile, report, setup_django

TARGET_P50_MS = 50
LOOKUPS = {
    "TrainingCentre": ["0312101", "448132704", "btp cfa toulouse", "campus métiers", "lyon"],
    "Diploma": ["500233", "cap maçon", "électricien", "bts bâtiment", "plaquiste"],
    "RncpCertification": ["RNCP37651", "3486", "maçon", "conducteur travaux", "génie climatique"],
    "CollectiveAgreement": ["1597", "16", "bâtiment", "travaux publics"],
}


def time_search(model, terms, runs, warmup=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        list(model.objects.search(terms))
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        list(model.objects.search(terms))
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        found = len(model.objects.search(terms))
    return samples, len(queries), found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the plan of each query")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from referentials import models

    sizes = {name: getattr(models, name).objects.count() for name in LOOKUPS}
    total = sum(sizes.values())
    print(f"database: {settings.DATABASES['default']['NAME']}, {total} entries ({sizes})")
    if total < 50_000:
        print("fewer than 50 000 entries: run `manage.py load_referentials --sample --generate 50000` first")
    over = []
    for name, terms_list in LOOKUPS.items():
        model = getattr(models, name)
        for terms in terms_list:
            samples, queries, found = time_search(model, terms, args.runs)
            report(f"{name}.search({terms!r}) -> {found}", samples, queries)
            if percentile(samples, 0.5) > TARGET_P50_MS:
                over.append(f"{name}.search({terms!r})")
            if args.explain:
                print("    " + model.objects.search(terms).explain().replace("\n", "\n    "))
    if over:
        print(f"median OVER the {TARGET_P50_MS} ms target for: {', '.join(over)}")
    else:
        print(f"every look-up under {TARGET_P50_MS} ms at the median: target met")


if __name__ == "__main__":
    main()
