"""The rows of oGestion's "Suivre les dossiers de formation", written in Python once per row (common.rows): the HTML
of the template they replace (tests/ogestion/test_rows.py compares them cell for cell)."""

from django.utils.safestring import mark_safe

from common.rows import text
from common.templatetags.portal import fill, url_pattern


def _agreement_cell(row, document_url) -> str:
    """The latest funding agreement's download link, or —."""
    if row.agreement_id is None:
        return "—"
    href = text(fill(fill(document_url, row.number), row.agreement_id))
    return (
        f'<a href="{href}" download><span>Accord<span class="visually-hidden"> du dossier {text(row.number)}'
        "</span></span></a>"
    )


def _trainees_cell(row) -> str:
    names = [f"{text(last_name.upper())} {text(first_name)}" for last_name, first_name in row.trainees]
    return ", ".join(names) or "—"


def dossier_row(row, dossier_url, document_url) -> str:
    return (
        f'<tr><th scope="row" class="mono"><a href="{text(fill(dossier_url, row.number))}">'
        f"{text(row.number)}</a></th>"
        f'<td data-label="Raison sociale de l\'entreprise">{text(row.employer_name)}</td>'
        f'<td data-label="Accord">{_agreement_cell(row, document_url)}</td>'
        f'<td data-label="Nom du stagiaire">{_trainees_cell(row)}</td>'
        f'<td data-label="Dispositif">{text(row.scheme)}</td></tr>'
    )


def dossier_rows(rows):
    """The <tr> of each row of the list's page (dossiers.selectors.ProviderListRow)."""
    dossier_url = url_pattern("ogestion:dossier")
    document_url = url_pattern("ogestion:dossier_document", 2)
    return mark_safe("".join(dossier_row(d, dossier_url, document_url) for d in rows))  # noqa: S308 (escaped)
