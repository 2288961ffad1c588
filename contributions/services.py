"""Computing and submitting a contribution return; the member account's overview per year."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from common.pdf import render_pdf
from contributions.models import (
    ContributionLine,
    ContributionPayment,
    ContributionRate,
    ContributionReturn,
    RateBase,
)
from payments.models import Payment, PaymentLine

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figures:
    headcount: int
    payroll: Decimal
    fixed_term_payroll: Decimal = Decimal("0.00")

    def base(self, base: str) -> Decimal:
        return self.fixed_term_payroll if base == RateBase.FIXED_TERM_PAYROLL else self.payroll


def declarable_years() -> list[int]:
    """The years for which Constructys configured rates, latest first."""
    return list(ContributionRate.objects.order_by("-year").values_list("year", flat=True).distinct())


def compute(year: int, figures: Figures) -> list[ContributionLine]:
    """The contributions due (unsaved lines) with the rates configured for `year` that apply to the headcount."""
    rates = [rate for rate in ContributionRate.objects.filter(year=year) if rate.applies_to(figures.headcount)]
    if not rates:
        raise ValidationError(f"Aucun taux de contribution n'est configuré pour {year} : contactez Constructys.")
    return [
        ContributionLine(
            label=rate.label,
            base_label=rate.get_base_display(),
            base_amount=figures.base(rate.base),
            rate=rate.rate,
            amount=(figures.base(rate.base) * rate.rate / 100).quantize(CENT, rounding=ROUND_HALF_UP),
        )
        for rate in rates
    ]


@transaction.atomic
def submit_return(establishment, user, year: int, figures: Figures) -> ContributionReturn:
    if figures.fixed_term_payroll > figures.payroll:
        raise ValidationError("La masse salariale des CDD ne peut pas dépasser la masse salariale totale.")
    lines = compute(year, figures)
    try:
        with transaction.atomic():
            contribution_return = ContributionReturn.objects.create(
                establishment=establishment,
                year=year,
                headcount=figures.headcount,
                payroll=figures.payroll,
                fixed_term_payroll=figures.fixed_term_payroll,
                total_amount=sum((line.amount for line in lines), Decimal("0.00")),
                submitted_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            f"Le bordereau {year} de cet établissement a déjà été déclaré : vous pouvez télécharger son accusé de "
            "réception."
        ) from None
    for line in lines:
        line.contribution_return = contribution_return
    ContributionLine.objects.bulk_create(lines)
    return contribution_return


def receipt_pdf(contribution_return: ContributionReturn) -> bytes:
    """The acknowledgement of receipt of a return, rendered by WeasyPrint."""
    return render_pdf(
        "contributions/receipt_pdf.html",
        {
            "return": contribution_return,
            "lines": list(contribution_return.lines.all()),
            "submitted_at": timezone.localtime(contribution_return.submitted_at),
        },
    )


@dataclass
class YearSummary:
    year: int
    declared: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    training_funded: Decimal = Decimal("0.00")
    reimbursed: Decimal = Decimal("0.00")

    @property
    def balance(self) -> Decimal:
        """Contributions declared and not yet paid (negative: paid in advance)."""
        return self.declared - self.paid


def _by_year(queryset, year, amount_field) -> dict[int, Decimal]:
    """{year: sum of amount_field}; `year` is a field name or an expression."""
    if isinstance(year, str):
        year = F(year)
    rows = queryset.annotate(y=year).values("y").annotate(total=Sum(amount_field)).order_by()
    return {row["y"]: row["total"] or Decimal("0.00") for row in rows}


def yearly_overview(establishments) -> list[YearSummary]:
    """Per year, latest first: contributions declared and paid, training funded by Constructys (invoices settled on
    the company's dossiers) and reimbursements (payments made to the company itself). Four queries."""
    series = {
        "declared": _by_year(
            ContributionReturn.objects.filter(establishment__in=establishments), "year", "total_amount"
        ),
        "paid": _by_year(ContributionPayment.objects.filter(establishment__in=establishments), "year", "amount"),
        "training_funded": _by_year(
            PaymentLine.objects.filter(dossier__employer_establishment__in=establishments),
            ExtractYear("payment__paid_on"),
            "amount",
        ),
        "reimbursed": _by_year(
            Payment.objects.filter(beneficiary__in=establishments), ExtractYear("paid_on"), "total_amount"
        ),
    }
    years = sorted(set().union(*series.values()), reverse=True)
    return [
        YearSummary(year, **{name: values.get(year, Decimal("0.00")) for name, values in series.items()})
        for year in years
    ]
