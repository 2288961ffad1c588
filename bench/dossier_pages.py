"""Server time of the dossier tracking pages on the benchmark volumes (issue 5).

    make bench                      # once: 200 000 dossiers, 1 000 000 messages
    .venv/bin/python bench/dossier_pages.py [--runs 50]

Targets (p95): the filtered, paginated eGestion list of a company with about 5 000 dossiers under 100 ms; a
dossier page with its messages under 60 ms; the oGestion list of a provider with about 2 000 dossiers under
100 ms. The company and the provider are the benchmark organisations whose dossier counts are the closest to
those sizes (the busiest ones when none is that big).
"""

import argparse

from harness import accept_current_terms, logged_in_client, setup_django, time_pages


def closest(queryset, field, size):
    """The organisation of `field` whose number of benchmark dossiers is the closest to `size`."""
    from django.db.models import Count, F, Func, Value

    return (
        queryset.values(field)
        .annotate(total=Count("id"))
        .annotate(gap=Func(F("total") - Value(size), function="ABS"))
        .order_by("gap")
        .first()
    )


def user_of(organisation_id, roles):
    from accounts.models import Membership

    membership = (
        Membership.objects.filter(establishment__organisation_id=organisation_id, role__in=roles)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if membership is None:
        raise SystemExit(f"No user for organisation {organisation_id}: seed the benchmark volumes (make bench).")
    return membership.user


def benchmark_audiences():
    """The company closest to 5 000 benchmark dossiers and the provider closest to 2 000 (their counts), with a
    user of each: the audiences of the page benches (this script, throughput.py)."""
    from accounts.models import Role
    from dossiers.models import Dossier

    bench = Dossier.objects.filter(number__startswith="77")
    if not bench.exists():
        raise SystemExit("No benchmark dossiers: seed the benchmark volumes first (make bench).")
    company = closest(bench, "employer_establishment__organisation", 5000)
    provider = closest(bench.filter(provider_establishment__isnull=False), "provider_establishment__organisation", 2000)
    company_user = user_of(company["employer_establishment__organisation"], [Role.COMPANY_MANAGER, Role.COMPANY_USER])
    provider_user = user_of(
        provider["provider_establishment__organisation"], [Role.PROVIDER_REFERENT, Role.PROVIDER_USER]
    )
    return company, provider, company_user, provider_user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db.models import Count
    from django.test.utils import override_settings

    from dossiers.models import Dossier

    company, provider, company_user, provider_user = benchmark_audiences()
    for user in (company_user, provider_user):
        accept_current_terms(user)
    busiest = (
        Dossier.objects.for_company_user(company_user)
        .annotate(thread=Count("messages"))
        .order_by("-thread")
        .values_list("number", "thread")
        .first()
    )
    scheme = Dossier.objects.for_company_user(company_user).values_list("scheme", flat=True).first()

    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        client = logged_in_client(company_user)
        time_pages(
            client,
            (
                ("eGestion list, page 1", "/egestion/dossiers/"),
                ("eGestion list, filtered + sorted", f"/egestion/dossiers/?dispositif={scheme}&tri=ville"),
                ("eGestion list, HISTORIQUE page 3", "/egestion/dossiers/?onglet=historique&page=3"),
            ),
            runs=args.runs,
            suffix=f" ({company['total']} dossiers)",
            target_p95=100,
        )
        time_pages(
            client,
            [(f"eGestion dossier + {busiest[1]} messages", f"/egestion/dossiers/{busiest[0]}/onglet/messages/")],
            runs=args.runs,
            target_p95=60,
        )
        time_pages(client, [("eGestion Messagerie", "/egestion/messagerie/")], runs=args.runs)
        time_pages(
            logged_in_client(provider_user),
            (
                ("oGestion list, page 1", "/ogestion/dossiers/"),
                ("oGestion list, TOTAL sorted by company", "/ogestion/dossiers/?onglet=total&tri=entreprise"),
                ("oGestion list, trainee filter", "/ogestion/dossiers/?stagiaire=martin"),
            ),
            runs=args.runs,
            suffix=f" ({provider['total']} dossiers)",
            target_p95=100,
        )
    print(f"database: {settings.DATABASES['default']['NAME']}")


if __name__ == "__main__":
    main()
