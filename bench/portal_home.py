"""Server time of the portal home pages for the busiest benchmark users.

    make bench                      # once: 200 000 dossiers, 1 000 000 messages
    .venv/bin/python bench/portal_home.py [--runs 50]

The eGestion home counts the unread messages of every dossier the user sees, so its cost grows with the
user's scope: the busiest benchmark company user is the worst case.
"""

import argparse

from harness import accept_current_terms, logged_in_client, report, setup_django, time_page


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test.utils import override_settings

    from accounts.models import User
    from dossiers.models import Dossier

    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        for email, url in (
            ("bench-user-000000@bench.constructys.fr", "/egestion/"),
            ("bench-of-000000@bench.constructys.fr", "/ogestion/"),
        ):
            user = User.objects.filter(email=email).first()
            if user is None:
                raise SystemExit(f"{email} not found: seed the benchmark volumes first (make bench).")
            scope = (
                Dossier.objects.for_company_user(user)
                if url == "/egestion/"
                else Dossier.objects.for_provider_user(user)
            ).count()
            accept_current_terms(user)
            client = logged_in_client(user)
            samples, queries = time_page(client, url, runs=args.runs)
            report(f"{url} ({scope} dossiers in scope)", samples, queries)
    print(f"database: {settings.DATABASES['default']['NAME']}")


if __name__ == "__main__":
    main()
