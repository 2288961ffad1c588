"""Extractions: the filtered dossier list of eGestion as CSV (semicolon-separated, for French Excel) or XLSX."""

from django.http import Http404, HttpResponse, StreamingHttpResponse

from common.exports import CHUNK, XLSX_CONTENT_TYPE, as_attachment, csv_stream, xlsx_bytes

HEADERS = [
    "N° de dossier",
    "N° de demande",
    "Dispo formation",
    "Intitulé",
    "SIRET",
    "CP",
    "Ville",
    "Du",
    "Au",
    "État",
    "Organisme de formation",
]


def company_rows(queryset):
    """One row per dossier, streamed in chunks (the list may hold thousands of dossiers)."""
    for dossier in queryset.iterator(chunk_size=CHUNK):
        employer, provider = dossier.employer_establishment, dossier.provider_establishment
        yield [
            dossier.number,
            dossier.request_number,
            dossier.scheme,
            dossier.title,
            employer.siret,
            employer.postal_code,
            employer.city,
            dossier.start_date,
            dossier.end_date,
            dossier.status_label,
            provider.name if provider else "",
        ]


def company_dossiers_response(queryset, fmt):
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(HEADERS, company_rows(queryset)), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(company_rows(queryset), HEADERS, "Dossiers"), content_type=XLSX_CONTENT_TYPE)
    else:
        raise Http404
    return as_attachment(response, "dossiers", fmt)
