"""The money view as a spreadsheet (common.exports: CSV for French Excel, XLSX with real dates shown dd/mm/yyyy):
one row per establishment and month; the current month's row also carries the figures of the day (validated but
unpaid, to invoice this month, late payments)."""

from django.http import Http404, HttpResponse, StreamingHttpResponse

from common.exports import XLSX_CONTENT_TYPE, as_attachment, csv_stream, xlsx_bytes

HEADERS = [
    "Établissement",
    "SIRET",
    "Mois",
    "Facturé (€)",
    "Payé (€)",
    "Validé non payé (€)",
    "À facturer ce mois (€)",
    "Paiements en retard (€)",
    "Factures en retard",
]


def rows(view):
    current = view.months[-1].start
    for line in view.establishments:
        establishment, figures = line.establishment, line.figures
        day = [figures.validated_unpaid, figures.to_invoice_this_month, figures.late, figures.late_count]
        for month in line.months:
            yield [
                establishment.name,
                establishment.siret,
                month.start,
                month.invoiced,
                month.paid,
                *(day if month.start == current else ["", "", "", ""]),
            ]


def money_response(view, fmt):
    if fmt == "csv":
        # French Excel reads "1234,50" as a number: amounts with a decimal comma.
        french = ([str(v).replace(".", ",") if hasattr(v, "as_tuple") else v for v in row] for row in rows(view))
        response = StreamingHttpResponse(csv_stream(HEADERS, french), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(rows(view), HEADERS, "Tableau de bord"), content_type=XLSX_CONTENT_TYPE)
    else:
        raise Http404("Format d'export inconnu.")
    return as_attachment(response, "tableau-de-bord-financier", fmt)
