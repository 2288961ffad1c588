"""Invoicing a dossier paid by subrogation (skills plan and the other schemes but apprenticeship), as pure rules.

With a subrogation ("subrogation de paiement"), Constructys pays the training provider directly, in the place of
the employer, up to the amount agreed in the Accord de prise en charge. No database here: the agreement
(`Agreement`) and what the provider already invoiced come from `invoicing.subrogated`, so that the rules can be
checked against independent cases.

Sources and conventions (docs/invoicing.md, "Subrogation"):
- Code du travail R.6332-25 I: the OPCO pays the training costs it funds *after* the action is carried out; the
  parties may agree to pay in stages as the training proceeds (an advance of at most 30 % of the agreed price is
  possible, which the portal does not offer: every invoice is backed by an attendance certificate);
- the agreed amount (Dossier.agreed_amount, printed in the Accord de prise en charge, or the amount staff typed on
  the subrogation) caps the total invoiced: what remains is that amount minus the invoices not rejected;
- an invoice is backed by an attendance certificate ("attestation de présence / d'assiduité", the proof that the
  hours invoiced were attended, L.6353-1: the provider certifies the training carried out); without it, refused;
- after the training (default): the invoice's period lies within the training and the training has ended;
  during the training (when the agreement allows it): a period within the training that has ended by today (no
  invoice for hours not yet attended).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from common.formats import format_amount as _euros  # 12 345,60 €

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Agreement:
    """What a subrogation allows the provider to invoice."""

    agreed_amount: Decimal
    starts_on: datetime.date  # first day of the training
    ends_on: datetime.date  # last day of the training
    invoice_during_training: bool = False  # the agreement allows invoices in stages (R.6332-25 I)
    payment_delay_days: int = 30


@dataclass(frozen=True)
class Claim:
    """An invoice as the provider types it (the number is checked against the database, not here)."""

    invoice_date: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal
    has_certificate: bool


def remaining(agreement: Agreement, invoiced: Decimal) -> Decimal:
    """What is left to invoice: never below zero (the total never exceeds the agreed amount)."""
    return max(agreement.agreed_amount - invoiced, ZERO)


def invoicable_from(agreement: Agreement) -> datetime.date:
    """The first day an invoice may be deposited: the training's first day when the agreement allows invoices in
    stages, otherwise the day after its end (R.6332-25 I: paid after the action is carried out)."""
    if agreement.invoice_during_training:
        return agreement.starts_on + datetime.timedelta(days=1)
    return agreement.ends_on + datetime.timedelta(days=1)


def invoicable_today(agreement: Agreement, invoiced: Decimal, today: datetime.date) -> Decimal:
    return remaining(agreement, invoiced) if today >= invoicable_from(agreement) else ZERO


def expected_payment_on(agreement: Agreement, received_on: datetime.date) -> datetime.date:
    """Paid at the latest `payment_delay_days` after the invoice is received (the portal's convention, the delay
    of the subrogation row: 30 days by default, as for apprenticeship advances)."""
    return received_on + datetime.timedelta(days=agreement.payment_delay_days)


def refusals(agreement: Agreement, invoiced: Decimal, claim: Claim, today: datetime.date) -> dict[str, str]:
    """Field -> French message for each reason to refuse the invoice (empty: accepted)."""
    errors = {}
    left = remaining(agreement, invoiced)
    if claim.amount <= 0:
        errors["amount"] = "Le montant de la facture doit être positif."
    elif claim.amount > left:
        errors["amount"] = (
            f"Le montant de {_euros(claim.amount)} dépasse ce qui reste à facturer sur ce dossier "
            f"({_euros(left)} sur les {_euros(agreement.agreed_amount)} accordés)."
        )
    if claim.period_end < claim.period_start:
        errors["period_end"] = "La fin de la période précède son début."
    elif claim.period_start < agreement.starts_on or claim.period_end > agreement.ends_on:
        errors["period_end"] = (
            f"La période du {claim.period_start:%d/%m/%Y} au {claim.period_end:%d/%m/%Y} sort de la formation "
            f"(du {agreement.starts_on:%d/%m/%Y} au {agreement.ends_on:%d/%m/%Y})."
        )
    elif not agreement.invoice_during_training and today <= agreement.ends_on:
        errors["period_end"] = (
            f"La formation se termine le {agreement.ends_on:%d/%m/%Y} : l'accord ne prévoit pas de facturation en "
            "cours de formation, déposez la facture une fois la formation terminée."
        )
    elif claim.period_end >= today:
        errors["period_end"] = (
            f"La période facturée doit être terminée : facturez les heures suivies jusqu'au "
            f"{today - datetime.timedelta(days=1):%d/%m/%Y} au plus tard."
        )
    if claim.invoice_date > today:
        errors["invoice_date"] = "La date de la facture ne peut pas être dans le futur."
    if not claim.has_certificate:
        errors["attachment_attendance"] = (
            "Joignez l'attestation d'assiduité : elle justifie les heures de formation facturées."
        )
    return errors
