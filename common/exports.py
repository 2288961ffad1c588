"""Spreadsheet extractions shared by every app: CSV for French Excel (semicolons, BOM, dd/mm/yyyy) streamed row by
row, XLSX in memory, and the attachment headers of the response."""

import csv
import io

from django.utils import timezone

# Rows read per query when streaming a large list (queryset.iterator(chunk_size=CHUNK)).
CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def csv_stream(headers, rows):
    """The lines of a CSV file, one at a time, for a StreamingHttpResponse."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # BOM: Excel reads the file as UTF-8
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value for value in row])


def xlsx_bytes(rows, headers, sheet_title) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_attachment(response, name: str, extension: str):
    """Mark an extraction for download as `<name>-<local date and time>.<extension>`, never cached."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
