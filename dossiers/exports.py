"""Extractions: the filtered dossier list of eGestion as CSV (semicolon-separated, for French Excel) or XLSX."""

import csv
import io

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone

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
CHUNK = 2000


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
            dossier.get_status_display(),
            provider.name if provider else "",
        ]


class _Echo:
    def write(self, value):
        return value


def _csv_stream(rows):
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # BOM: Excel reads the file as UTF-8
    yield writer.writerow(HEADERS)
    for row in rows:
        yield writer.writerow([value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value for value in row])


def _xlsx_bytes(rows, headers=HEADERS, sheet_title="Dossiers") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def company_dossiers_response(queryset, fmt):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_stream(company_rows(queryset)), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            _xlsx_bytes(company_rows(queryset)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="dossiers-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
