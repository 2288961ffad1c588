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

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Sum
from django.utils import timezone

from dossiers.cerfa.codes import RUPTURE_FIRST_45_DAYS
from dossiers.cerfa.normalise import parse_date
from dossiers.models import Dossier, Scheme
from invoicing import services, subrogated
from invoicing.models import ContractTerms, Subrogation

ZERO = Decimal("0.00")
END_FIELD = "contrat_date_fin"  # CERFA FA13: the contract's end, which an avenant may move
ACCEPTED_AVENANT = {"kind": "avenant", "status": "accepted"}  # funding.models.RequestKind / RequestStatus values


# The contract in force -----------------------------------------------------------------------------------------------


def accepted_end_date(dossier: Dossier) -> datetime.date | None:
    """The end date of the last accepted avenant that sets one (funding.avenants.decide accepts them), or None.
    Read through the dossier's reverse relation: invoicing does not import funding (same layer)."""
    ends = [
        parse_date((data or {}).get(END_FIELD))
        for data in dossier.avenants.filter(**ACCEPTED_AVENANT)
        .order_by("avenant_sequence")
        .values_list("data", flat=True)
    ]
    ends = [end for end in ends if end]
    return ends[-1] if ends else None


def declared_rupture(dossier: Dossier):
    """The rupture the employer declared (funding.ContractRupture), or None."""
    try:
        return dossier.rupture
    except ObjectDoesNotExist:
        return None


def contract_terms_for(dossier: Dossier) -> ContractTerms | None:
    """The terms the schedule is computed from: those staff saved, else read from the CERFA; then
    - an accepted avenant that moves the end date moves the contract's end (the avenant is the later word: staff's
      saved `ends_on` is replaced too);
    - a declared rupture (funding.ruptures) sets the last day when staff have not typed one, and whether it fell
      within the first 45 days of practical training is the reason the employer declared (motif 01), never derived
      from dates (spec § 1.3).
    Never saved here: what the portal reads is recomputed on each view."""
    terms = ContractTerms.objects.filter(dossier=dossier).first() or ContractTerms.from_cerfa(dossier)
    if terms is None:
        return None
    new_end = accepted_end_date(dossier)
    if new_end and new_end >= terms.starts_on:
        terms.ends_on = new_end
    rupture = declared_rupture(dossier)
    if rupture is not None and terms.ruptured_on is None:
        terms.ruptured_on = rupture.rupture_date
        terms.rupture_within_45_days = terms.rupture_within_45_days or rupture.reason == RUPTURE_FIRST_45_DAYS
    return terms


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
