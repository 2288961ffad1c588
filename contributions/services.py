"""Computing and submitting a contribution return; the member account's overview per year."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from common.pdf import render_pdf
from contributions.models import (
    ContributionLine,
    ContributionRate,
    ContributionReturn,
    RateBase,
)

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
    returns: int = 0  # returns declared for the year

    @property
    def balance(self) -> Decimal:
        """Contributions declared and not yet paid (negative: paid in advance)."""
        return self.declared - self.paid


# Per year: contributions declared (with the number of returns) and paid, training funded by Constructys (payment
# lines of the establishments' dossiers by the year of their payment, kept per establishment and year by
# TrainingFunded) and reimbursements (payments made to the establishments themselves). One statement, each part
# read from an index on the establishment.
OVERVIEW_SQL = """
SELECT 'declared', year, sum(total_amount), count(*) FROM contributions_contributionreturn
    WHERE establishment_id = ANY(%(ids)s::bigint[]) GROUP BY year
UNION ALL
SELECT 'paid', year, sum(amount), 0 FROM contributions_contributionpayment
    WHERE establishment_id = ANY(%(ids)s::bigint[]) GROUP BY year
UNION ALL
SELECT 'training_funded', year, sum(amount), 0 FROM contributions_trainingfunded
    WHERE establishment_id = ANY(%(ids)s::bigint[]) AND lines > 0 GROUP BY year
UNION ALL
SELECT 'reimbursed', EXTRACT(YEAR FROM paid_on)::integer, sum(total_amount), 0 FROM payments_payment
    WHERE beneficiary_id = ANY(%(ids)s::bigint[]) GROUP BY 2
"""


def yearly_overview(establishment_ids) -> list[YearSummary]:
    """The member account per year, latest first, for the establishments of `establishment_ids` (already scoped:
    the request's, see contributions.selectors). One query, whatever the number of dossiers or payments."""
    years: dict[int, YearSummary] = {}
    with connection.cursor() as cursor:
        cursor.execute(OVERVIEW_SQL, {"ids": list(establishment_ids)})
        for series, year, total, returns in cursor.fetchall():
            summary = years.setdefault(year, YearSummary(year))
            setattr(summary, series, total)
            summary.returns += returns
    return [years[year] for year in sorted(years, reverse=True)]
