"""Recording the transfers Constructys makes, and their remittance advice ("avis de virement").

    payment = record_payment(actor=user, reference="VIR550", paid_on=date, beneficiary=establishment,
                             mode=PaymentMode.TRANSFER, lines=[{"dossier": d, "invoice_number": ..., ...}])

The total of a payment is the sum of its lines (ValidationError otherwise); each line settles a dossier employed or
trained by the beneficiary. Once the payment and its lines are written, `complete_payment` checks them and files
the remittance advice PDF (WeasyPrint) in the beneficiary establishment's documents; the admin saves the lines
through its inline forms and calls the same `complete_payment`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.validators import validate_iban
from common.formats import format_amount
from common.history import ADDITION, CHANGE, log_change
from common.pdf import render_pdf
from dossiers.models import Document, DocumentKind
from payments.models import Payment, PaymentLine, PaymentMode


def total_mismatch(total, lines_total) -> str | None:
    """The French error when a payment's total differs from the sum of its lines, None when they agree."""
    if total is None or Decimal(total) == Decimal(lines_total):
        return None
    return (
        f"Le montant total ({format_amount(total)}) doit être égal à la somme des lignes "
        f"({format_amount(lines_total)})."
    )


def paid_iban(mode, iban_paid, beneficiary) -> tuple[str, list[str]]:
    """The IBAN a payment was made to (a transfer without one: the beneficiary's) and the French errors about it."""
    iban = iban_paid or ""
    if not iban and mode == PaymentMode.TRANSFER:
        iban = beneficiary.iban
        if not iban:
            return "", ["L'établissement bénéficiaire n'a pas d'IBAN : indiquez l'IBAN payé."]
    if not iban:
        return "", []
    try:
        validate_iban(iban)
    except ValidationError as error:
        return iban, [f"IBAN payé : {message}" for message in error.messages]
    return iban, []


def line_dossier_problem(dossier, beneficiary) -> str | None:
    """A line may only settle a dossier that the beneficiary employs or trains."""
    if beneficiary is None or dossier is None:
        return None
    if beneficiary.pk not in (dossier.employer_establishment_id, dossier.provider_establishment_id):
        return f"Le dossier {dossier.number} n'est ni employé ni formé par l'établissement bénéficiaire."
    return None


@transaction.atomic
def record_payment(
    *, actor, reference, paid_on, beneficiary, lines, mode=PaymentMode.TRANSFER, iban_paid="", total_amount=None
) -> Payment:
    """Write a payment and its lines (dicts of PaymentLine fields; scheme and training title default to the
    dossier's), check them and file the remittance advice. `total_amount` defaults to the sum of the lines."""
    if not lines:
        raise ValidationError("Un règlement a au moins une ligne.")
    lines_total = sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))
    if Payment.objects.filter(reference=reference).exists():
        raise ValidationError(f"Un règlement porte déjà la référence {reference}.")
    payment = Payment.objects.create(
        reference=reference,
        paid_on=paid_on,
        beneficiary=beneficiary,
        iban_paid=iban_paid,
        mode=mode,
        total_amount=lines_total if total_amount is None else total_amount,
    )
    PaymentLine.objects.bulk_create(
        [
            PaymentLine(
                payment=payment,
                **{
                    "scheme": line["dossier"].scheme,
                    "training_title": line["dossier"].title,
                    "period_start": line["dossier"].start_date,
                    "period_end": line["dossier"].end_date,
                    **line,
                },
            )
            for line in lines
        ]
    )
    return complete_payment(payment, actor=actor, created=True)


@transaction.atomic
def complete_payment(payment: Payment, *, actor, created: bool = False) -> Payment:
    """Check a written payment (total = sum of the lines, dossiers of the beneficiary, IBAN) and (re)file its
    remittance advice in the beneficiary's documents; the previous advice of an edited payment is replaced."""
    lines = list(payment.lines.select_related("dossier").order_by("invoice_date", "id"))
    errors = []
    if not lines:
        errors.append("Un règlement a au moins une ligne.")
    lines_total = sum((line.amount for line in lines), Decimal("0.00"))
    if mismatch := total_mismatch(payment.total_amount, lines_total):
        errors.append(mismatch)
    errors += [p for line in lines if (p := line_dossier_problem(line.dossier, payment.beneficiary))]
    payment.iban_paid, iban_errors = paid_iban(payment.mode, payment.iban_paid, payment.beneficiary)
    errors += iban_errors
    if errors:
        raise ValidationError(errors)
    previous = payment.remittance_advice
    payment.remittance_advice = Document.issue_pdf(
        remittance_advice_pdf(payment, lines),
        name=f"Avis de virement {payment.reference}.pdf",
        kind=DocumentKind.REMITTANCE_ADVICE,
        user=actor,
        establishment=payment.beneficiary,
    )
    payment.save(update_fields=["remittance_advice", "iban_paid"])
    if previous is not None:
        previous.delete()
        # The file goes once the replacement is committed: a rolled-back edit keeps the previous advice readable.
        storage, file_name = previous.file.storage, previous.file.name
        transaction.on_commit(lambda: storage.delete(file_name))
    log_change(
        actor,
        payment,
        f"Règlement {'enregistré' if created else 'modifié'} : {len(lines)} ligne(s), "
        f"{format_amount(lines_total)} ; avis de virement émis.",
        ADDITION if created else CHANGE,
    )
    return payment


def remittance_advice_pdf(payment: Payment, lines: list[PaymentLine]) -> bytes:
    return render_pdf(
        "payments/remittance_advice_pdf.html",
        {
            "payment": payment,
            "beneficiary": payment.beneficiary,
            "lines": [{"line": line, "amount": format_amount(line.amount)} for line in lines],
            "total": format_amount(payment.total_amount),
            "issued_on": timezone.localdate(),
        },
    )
