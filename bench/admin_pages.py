"""Server time and queries of the back office's dossier pages on the benchmark volumes (issue 6).

    make bench                      # once: 200 000 dossiers, 1 000 000 messages
    .venv/bin/python bench/admin_pages.py [--runs 30]

Measures the admin dossier changelist (page 1, filtered by status, the busiest case manager's queue with unread
company messages first, the "unread company messages" filter, searches by dossier number, SIRET, company name and
trainee name) and the change page of the dossier with the longest thread. The number of queries must not depend on
the volume (no full count of the table: an unfiltered list shows PostgreSQL's row estimate); target p95 under
300 ms per page.
"""

import argparse

from harness import logged_in_client, report, setup_django, time_page

BENCH_STAFF = "bench.admin@constructys.fr"


def staff_user(email, **extra):
    """A staff account with an authenticator app (the admin requires it), created once."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    from accounts.models import User

    user, _ = User.objects.get_or_create(email=email, defaults={"is_staff": True, **extra})
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")}
        )
    return user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db.models import Count
    from django.test.utils import override_settings

    from dossiers.models import Dossier, Enrolment

    total = Dossier.objects.count()
    if total < 1000:
        raise SystemExit("Few dossiers: seed the benchmark volumes first (make bench).")
    superuser = staff_user(BENCH_STAFF, is_superuser=True)
    busiest_manager = (
        Dossier.objects.exclude(case_manager=None).values("case_manager").annotate(n=Count("id")).order_by("-n").first()
    )
    sample = Dossier.objects.select_related("employer_establishment").order_by("-id").first()
    trainee = Enrolment.objects.select_related("person").order_by("-id").first().person
    longest = (
        Dossier.objects.filter(pk__in=Dossier.objects.order_by("-id").values("pk")[:2000])
        .annotate(thread=Count("messages"))
        .order_by("-thread")
        .values_list("pk", "thread")
        .first()
    )
    base = "/admin/dossiers/dossier/"
    pages = [
        ("changelist, page 1", base),
        ("changelist, status Transmis, page 3", f"{base}?status__exact=submitted&p=3"),
        ("changelist, unread company messages", f"{base}?messages=non-lus"),
        ("search: dossier number prefix", f"{base}?q={sample.number[:8]}"),
        ("search: SIRET", f"{base}?q={sample.employer_establishment.siret}"),
        ("search: company name", f"{base}?q={sample.employer_establishment.name.split()[0]}"),
        ("search: trainee name", f"{base}?q={trainee.last_name}"),
        (f"change page ({longest[1]} messages)", f"{base}{longest[0]}/change/"),
    ]
    print(f"{total} dossiers")
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        client = logged_in_client(superuser)
        for label, url in pages:
            samples, queries = time_page(client, url, runs=args.runs, warmup=2)
            report(label, samples, queries, target_p95=300)
        if busiest_manager:
            from accounts.models import User

            manager = staff_user(User.objects.get(pk=busiest_manager["case_manager"]).email)
            client = logged_in_client(manager)
            samples, queries = time_page(client, f"{base}?gestionnaire=moi", runs=args.runs, warmup=2)
            report(f"case manager queue ({busiest_manager['n']} dossiers)", samples, queries, target_p95=300)
    print(f"database: {settings.DATABASES['default']['NAME']}")


if __name__ == "__main__":
    main()
