"""Where a page's server time goes: cProfile of N requests in-process (Django's test client, DEBUG off), grouped
into SQL, templates, middleware/session and the view's own Python, plus the top functions (issue 18).

    .venv/bin/python bench/profile_page.py [--url /egestion/dossiers/] [--audience company] [--runs 20]
    .venv/bin/python bench/profile_page.py --audience staff --url /admin/dossiers/dossier/

Uses the benchmark users of throughput.py (the company closest to 5 000 benchmark dossiers, the provider closest to
2 000, the case manager with the most dossiers for the admin), after `make bench` (any --scale).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PRODUCTION_SETTINGS, accept_current_terms, logged_in_client, setup_django  # noqa: E402

GROUPS = {
    "SQL (driver and wait)": ("psycopg/", "django/db/backends/"),
    "templates": ("django/template/",),
    "ORM (building queries, rows to objects)": ("django/db/models/",),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="/egestion/dossiers/")
    parser.add_argument("--audience", default="company", choices=["company", "provider", "staff"])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime...")
    args = parser.parse_args()
    # The production settings, read as gunicorn reads them: settings read with DEBUG on and switched off afterwards
    # kept the template engine's debug mode and plain static URLs, and measured other costs than production's.
    os.environ.update(PRODUCTION_SETTINGS)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", interactive=False, verbosity=0)  # the hashed names of production's static tags
    from dossier_pages import closest, user_of

    from accounts.models import Role
    from dossiers.models import Dossier

    bench = Dossier.objects.filter(number__startswith="77")
    if args.audience == "company":
        org = closest(bench, "employer_establishment__organisation", 5000)
        user = user_of(org["employer_establishment__organisation"], [Role.COMPANY_MANAGER, Role.COMPANY_USER])
    elif args.audience == "provider":
        org = closest(bench.exclude(provider_establishment=None), "provider_establishment__organisation", 2000)
        user = user_of(org["provider_establishment__organisation"], [Role.PROVIDER_REFERENT, Role.PROVIDER_USER])
    else:  # the busiest case manager, with the authenticator app the admin requires
        from admin_pages import staff_user
        from django.db.models import Count

        from accounts.models import User

        org = Dossier.objects.exclude(case_manager=None).values("case_manager").annotate(total=Count("id"))
        org = org.order_by("-total").first()
        user = staff_user(User.objects.get(pk=org["case_manager"]).email)
    accept_current_terms(user)
    client = logged_in_client(user)
    for _ in range(3):  # warm: URL resolvers, templates, the session's consent mark
        assert client.get(args.url, secure=True).status_code == 200
    sql = {"queries": 0, "seconds": 0.0, "each": {}}

    def timed(execute, sql_text, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            spent = time.perf_counter() - began
            sql["queries"] += 1
            sql["seconds"] += spent
            sql["each"][sql_text[:150]] = sql["each"].get(sql_text[:150], 0.0) + spent

    started, cpu_started = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timed):
        for _ in range(args.runs):
            client.get(args.url, secure=True)
    plain_ms = (time.perf_counter() - started) / args.runs * 1000
    cpu_ms = (time.process_time() - cpu_started) / args.runs * 1000  # this process only: not PostgreSQL's
    sql_ms = sql["seconds"] / args.runs * 1000
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        client.get(args.url, secure=True)
    profile.disable()
    stats = pstats.Stats(profile)
    total = stats.total_tt

    def cumulative(file_part, function):
        return sum(
            ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items() if file_part in file and name == function
        )

    render = cumulative("django/template/backends/django.py", "render") / total
    print(f"{args.url} as {user.email} ({org['total']} dossiers), {args.runs} requests in-process, DEBUG off:")
    print(
        f"  {plain_ms:.1f} ms per request ({cpu_ms:.1f} ms of this process's CPU), "
        f"{sql['queries'] / args.runs:.1f} queries, {sql_ms:.1f} ms of it in SQL"
    )
    for spent, text in sorted(((t, q) for q, t in sql["each"].items()), reverse=True)[:3]:
        print(f"    {spent / args.runs * 1000:6.1f} ms  {text}")
    print(f"  rendering the templates: {render:.0%} of the profiled time (with the queries they trigger)")
    for group, markers in GROUPS.items():
        own = sum(tt for (file, _, _), (_, _, tt, _, _) in stats.stats.items() if any(m in file for m in markers))
        print(f"  {group:<42} {own / total:5.0%} of the profiled time (own time)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
