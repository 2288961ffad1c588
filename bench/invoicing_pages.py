"""Server time of the invoicing pages on the benchmark volumes (issue 21).

    make bench                      # once; its volumes hold invoices and contract terms
    .venv/bin/python bench/invoicing_pages.py [--runs 30]

Measures, for the référent of the provider organisation with the most invoices: the money view ("Mon tableau de bord
financier"), its XLSX export, the oGestion home (which shows the money panel), and FACTURATION of that provider's
apprenticeship dossier with the most invoices. Each page must read the same number of queries whatever the volume
(tests/invoicing/test_money_view.py pins it); target p95 under 300 ms.
"""

import argparse

from harness import accept_current_terms, logged_in_client, setup_django, time_pages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db.models import Count
    from django.test.utils import override_settings

    from accounts.models import Membership, Role
    from invoicing.models import ContractTerms, Invoice

    busiest = (
        Invoice.objects.values("organisation").annotate(total=Count("id")).order_by("-total", "organisation").first()
    )
    if busiest is None:
        raise SystemExit("No invoices: seed the benchmark volumes first (make bench).")
    organisation = busiest["organisation"]
    referent = (
        Membership.objects.filter(establishment__organisation_id=organisation, role=Role.PROVIDER_REFERENT)
        .select_related("user")
        .order_by("id")
        .first()
        .user
    )
    accept_current_terms(referent)
    sites = Membership.objects.filter(user=referent).values_list("establishment", flat=True)
    dossier = (
        ContractTerms.objects.filter(dossier__provider_establishment__in=sites)
        .annotate(total=Count("dossier__invoices"))
        .order_by("-total", "dossier__number")
        .values_list("dossier__number", "total")
        .first()
    )
    counts = (
        f"{busiest['total']} invoices, "
        f"{ContractTerms.objects.filter(dossier__provider_establishment__organisation=organisation).count()} contracts"
    )
    with override_settings(DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        client = logged_in_client(referent)
        time_pages(
            client,
            (
                ("Money view", "/ogestion/tableau-de-bord-financier/"),
                ("Money view, XLSX export", "/ogestion/tableau-de-bord-financier/export.xlsx"),
                ("oGestion home (money panel)", "/ogestion/"),
            ),
            runs=args.runs,
            suffix=f" ({counts})",
            target_p95=300,
        )
        if dossier:
            page = (f"FACTURATION ({dossier[1]} invoices)", f"/ogestion/dossiers/{dossier[0]}/facturation/")
            time_pages(client, [page], runs=args.runs, target_p95=300)
    print(f"database: {settings.DATABASES['default']['NAME']}")


if __name__ == "__main__":
    main()
