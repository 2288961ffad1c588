"""The rows of "Consulter les règlements" (both portals), written in Python once per row (common.rows): the HTML of
the template they replace (tests/payments_portal/test_rows.py compares them cell for cell)."""

from django.utils.safestring import mark_safe

from common.rows import date_cell, text
from common.templatetags.portal import fill, url_pattern


def payment_row(payment, payment_url, advice_url) -> str:
    reference = text(payment.reference)
    advice = "—"
    if payment.remittance_advice_id:
        advice = (
            f'<a href="{text(fill(advice_url, payment.pk))}" download><span>PDF<span class="visually-hidden">'
            f" avis de virement {reference}</span></span></a>"
        )
    return (
        f"<tr><td>{date_cell(payment.paid_on)}</td>"
        f'<th scope="row" class="mono"><a href="{text(fill(payment_url, payment.pk))}">{reference}</a></th>'
        f"<td>{advice}</td>"
        f"<td>{text(payment.beneficiary.name)}</td>"
        f'<td class="mono">{text(payment.beneficiary.siret)}</td></tr>'
    )


def payment_rows(payments, portal: str):
    """The <tr> of each payment of the page, its links in `portal` ("egestion" or "ogestion")."""
    payment_url = url_pattern(f"{portal}:payment")
    advice_url = url_pattern(f"{portal}:payment_advice")
    return mark_safe("".join(payment_row(p, payment_url, advice_url) for p in payments))  # noqa: S308 (escaped)
