"""Spreadsheet extractions shared by every app: CSV for French Excel (semicolons, BOM, dd/mm/yyyy) streamed row by
row, XLSX in memory, and the attachment headers of the response."""

import csv
import datetime
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


# Excel number formats of the cells: dates are real dates (they sort and filter as dates) shown the French way.
XLSX_DATE_FORMAT = "dd/mm/yyyy"
XLSX_DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


def _xlsx_cell(sheet, value):
    """A date or a date and time as a date cell shown dd/mm/yyyy (Excel's default would be yyyy-mm-dd); a time zone
    aware value in the local time (Excel has no time zones); anything else as it is."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    return value


def xlsx_bytes(rows, headers, sheet_title) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_attachment(response, name: str, extension: str):
    """Mark an extraction for download as `<name>-<local date and time>.<extension>`, never cached."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    return response
