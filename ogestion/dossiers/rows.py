"""The rows of oGestion's "Suivre les dossiers de formation", written in Python once per row (common.rows): the HTML
of the template they replace (tests/ogestion/test_rows.py compares them cell for cell)."""

from django.utils.safestring import mark_safe

from common.rows import text
from common.templatetags.portal import fill, url_pattern


def _agreement_cell(dossier, document_url) -> str:
    """The latest funding agreement's download link (dossiers.selectors.funding_agreements_prefetch), or —."""
    agreements = dossier.funding_agreements[:1]
    if not agreements:
        return "—"
    href = text(fill(fill(document_url, dossier.number), agreements[0].pk))
    return (
        f'<a href="{href}" download><span>Accord<span class="visually-hidden"> du dossier {text(dossier.number)}'
        "</span></span></a>"
    )


def _trainees_cell(dossier) -> str:
    names = [f"{text(e.person.last_name.upper())} {text(e.person.first_name)}" for e in dossier.enrolments.all()]
    return ", ".join(names) or "—"


def dossier_row(dossier, dossier_url, document_url) -> str:
    return (
        f'<tr><th scope="row" class="mono"><a href="{text(fill(dossier_url, dossier.number))}">'
        f"{text(dossier.number)}</a></th>"
        f'<td data-label="Raison sociale de l\'entreprise">{text(dossier.employer_establishment.name)}</td>'
        f'<td data-label="Accord">{_agreement_cell(dossier, document_url)}</td>'
        f'<td data-label="Nom du stagiaire">{_trainees_cell(dossier)}</td>'
        f'<td data-label="Dispositif">{text(dossier.scheme)}</td></tr>'
    )


def dossier_rows(dossiers):
    """The <tr> of each dossier of the list's page."""
    dossier_url = url_pattern("ogestion:dossier")
    document_url = url_pattern("ogestion:dossier_document", 2)
    return mark_safe("".join(dossier_row(d, dossier_url, document_url) for d in dossiers))  # noqa: S308 (escaped)
