"""A campaign's requests as an XLSX workbook for the back office (common.exports writes the workbook)."""

from django.http import HttpResponse

from common.exports import CHUNK, XLSX_CONTENT_TYPE, as_attachment, xlsx_bytes

HEADERS = [
    "N° de demande",
    "Campagne",
    "CFA",
    "UAI",
    "SIRET",
    "Région",
    "Projet",
    "Catégorie",
    "Total HT",
    "TVA",
    "Total TTC",
    "Cofinancements",
    "Montant demandé",
    "Statut",
    "Transmise le",
    "Montant accordé",
    "Motif du refus",
    "Créée par",
]


def request_rows(queryset):
    queryset = queryset.select_related("campaign", "establishment", "category", "created_by").order_by("id")
    for item in queryset.iterator(chunk_size=CHUNK):
        establishment = item.establishment
        yield [
            item.reference,
            item.campaign.year,
            establishment.name,
            establishment.uai,
            establishment.siret,
            establishment.get_region_display(),
            item.title,
            item.category.name,
            item.total_ht,
            item.total_vat,
            item.total_ttc,
            item.co_financing,
            item.requested_amount,
            item.get_status_display(),
            item.submitted_at,  # a date cell in local time (common.exports)
            item.granted_amount,
            item.refusal_reason,
            item.created_by.email,
        ]


def requests_xlsx_response(queryset, name: str) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(request_rows(queryset), headers=HEADERS, sheet_title="Demandes"), content_type=XLSX_CONTENT_TYPE
    )
    return as_attachment(response, name, "xlsx")
