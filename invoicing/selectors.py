"""What the portals read of a dossier's invoicing: the contract terms in force (after an accepted avenant or a
declared rupture), the FACTURATION of any dossier (NPEC schedule or subrogation), and the company's view of what
Constructys paid the CFA for its apprenticeship contract and the participation it owes.

    terms = contract_terms_for(dossier)        # saved or from the CERFA, avenants and rupture applied
    billing = billing_of(dossier)              # services.Billing or subrogated.SubrogationBilling
    funding = company_funding(dossier)         # CompanyFunding or None (not an apprenticeship contract)
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from dossiers.models import Dossier, Scheme
from invoicing import services, subrogated
from invoicing.models import ContractTerms, Subrogation

ZERO = Decimal("0.00")


# The contract in force -----------------------------------------------------------------------------------------------


def contract_terms_for(dossier: Dossier) -> ContractTerms | None:
    """The terms the schedule is computed from: those staff saved, else read from the CERFA, with what the employer
    declared online since (accepted avenants and the rupture, dossiers.contract). Never saved here: what the portals
    read is recomputed on each view."""
    saved = ContractTerms.objects.filter(dossier=dossier).first()
    if saved is None:
        return ContractTerms.from_cerfa(dossier)
    saved.dossier = dossier
    return saved.following_contract_changes()


# FACTURATION ---------------------------------------------------------------------------------------------------------


def is_subrogated(dossier: Dossier) -> bool:
    """A dossier other than an apprenticeship contract whose provider is paid by subrogation."""
    return dossier.scheme != Scheme.ALTE and Subrogation.objects.filter(dossier=dossier).exists()


def billing_of(dossier: Dossier, today: datetime.date | None = None):
    """An apprenticeship contract is invoiced on its NPEC schedule; any other dossier by subrogation, or not at all
    (`problem` says the provider is paid by the company)."""
    if dossier.scheme != Scheme.ALTE:
        return subrogated.subrogation_billing_for(dossier, today)
    return services.billing_for(dossier, today)


def deposit(user, dossier: Dossier, data: services.InvoiceInput, pdf, attachments=None, *, today=None):
    if dossier.scheme != Scheme.ALTE:
        return subrogated.deposit_subrogation_invoice(user, dossier, data, pdf, attachments, today=today)
    return services.deposit_invoice(user, dossier, data, pdf, attachments, today=today)


# The company's view of its apprenticeship contract -----------------------------------------------------------------


@dataclasses.dataclass
class PaidInstalment:
    label: str
    due_on: datetime.date
    amount: Decimal
    paid: Decimal  # what Constructys's payments cover of it (first due, first covered)


@dataclasses.dataclass
class CompanyFunding:
    problem: str | None = None
    lines: list[PaidInstalment] = dataclasses.field(default_factory=list)
    total: Decimal = ZERO  # the contract's funding (the schedule's total)
    paid: Decimal = ZERO  # paid to the CFA for this dossier
    participation: Decimal = ZERO  # the employer's participation (R.6332-25-1/-2)
    level: int | None = None
    regime: str = ""


def company_funding(dossier: Dossier, today: datetime.date | None = None) -> CompanyFunding | None:
    """What Constructys paid the CFA for an apprenticeship contract, per instalment of its NPEC schedule, and the
    participation the employer owes; None for another scheme. A constant number of queries, no bank details."""
    if dossier.scheme != Scheme.ALTE:
        return None
    billing = services.billing_for(dossier, today or timezone.localdate())
    # What the CFA received for this dossier: payment lines of the payments to the dossier's provider.
    paid = (
        dossier.payment_lines.filter(payment__beneficiary_id=dossier.provider_establishment_id).aggregate(
            total=Sum("amount")
        )["total"]
        or ZERO
    )
    if billing.problem:
        return CompanyFunding(problem=billing.problem, paid=paid)
    left, lines = paid, []
    for line in billing.lines:
        instalment = line.instalment
        covered = min(left, max(instalment.amount, ZERO))
        left -= covered
        lines.append(PaidInstalment(line.label, instalment.due_on, instalment.amount, covered))
    return CompanyFunding(
        lines=lines,
        total=billing.total,
        paid=paid,
        participation=billing.plan.participation,
        level=billing.terms.level,
        regime=billing.plan.regime.name,
    )
