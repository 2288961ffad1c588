"""The rows of "Consulter les règlements" and of a dossier's tab "Règlement(s)" (both portals), written in Python once
per row (common.rows): the HTML of the templates they replace (tests/payments_portal/test_rows.py compares them cell
for cell)."""

from django.template.defaultfilters import floatformat
from django.utils.safestring import mark_safe

from common.rows import date_cell, iban_end, text
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


def dossier_line_row(line) -> str:
    """One payment line of a dossier: the payment, its beneficiary, the invoice, the amount, the IBAN's end."""
    payment = line.payment
    beneficiary = payment.beneficiary
    return (
        f'<tr><th scope="row" class="mono">{text(payment.reference)}</th>'
        f"<td>{text(beneficiary.name)} ({text(beneficiary.siret)}) - {text(beneficiary.postal_code)} / "
        f"{text(beneficiary.city)}</td>"
        f'<td class="mono">{text(line.invoice_number)}</td>'
        f"<td>{date_cell(line.period_start)}</td><td>{date_cell(line.period_end)}</td>"
        f"<td>{text(line.get_scheme_display())}</td><td>{date_cell(payment.paid_on)}</td>"
        f'<td class="amount">{floatformat(line.amount, "2g")}&nbsp;€</td>'
        f"<td>{text(payment.get_mode_display())}</td>"
        f'<td class="mono">{iban_end(payment.iban_paid, "—")}</td></tr>'
    )


def dossier_line_rows(lines):
    """The <tr> of each payment line of a dossier's tab (payments.selectors.dossier_payment_lines)."""
    return mark_safe("".join(dossier_line_row(line) for line in lines))  # noqa: S308 (escaped)
