"""Recording the transfers Constructys makes, and their remittance advice ("avis de virement").

    payment = record_payment(actor=user, reference="VIR550", paid_on=date, beneficiary=establishment,
                             mode=PaymentMode.TRANSFER, lines=[{"dossier": d, "invoice_number": ..., ...}])

The total of a payment is the sum of its lines (ValidationError otherwise); each line settles a dossier employed or
trained by the beneficiary. A transfer goes to the beneficiary's validated IBAN in force when it is recorded (never
typed; banking validates IBANs). A reference is used once, and an invoice of a dossier is settled once unless the line
gives a reason (`lock_and_check_reference`, `lock_and_find_settled`: both hold a transaction-level lock, so that
simultaneous saves wait for each other and the later ones see the earlier). Once the payment and its lines are
written, `complete_payment` checks them and files the remittance advice PDF (WeasyPrint) in the beneficiary
establishment's documents, as a new version only when the payment changed; the admin saves the lines through its
inline forms and calls the same `complete_payment`.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from common.formats import format_amount
from common.history import ADDITION, CHANGE, log_change
from common.pdf import render_pdf
from dossiers.models import Document, DocumentKind
from payments.models import Payment, PaymentLine, PaymentMode, RemittanceAdvice
from webhooks import events, payloads


def total_mismatch(total, lines_total) -> str | None:
    """The French error when a payment's total differs from the sum of its lines, None when they agree."""
    if total is None or Decimal(total) == Decimal(lines_total):
        return None
    return (
        f"Le montant total ({format_amount(total)}) doit être égal à la somme des lignes "
        f"({format_amount(lines_total)})."
    )


def paid_iban(mode, beneficiary) -> tuple[str, list[str]]:
    """The IBAN a payment goes to: for a transfer, the beneficiary's validated IBAN in force; and the French errors."""
    if mode != PaymentMode.TRANSFER:
        return "", []
    if beneficiary is None or not beneficiary.iban:
        return "", [
            "L'établissement bénéficiaire n'a pas d'IBAN validé : un virement attend la validation de ses "
            "coordonnées bancaires (Coordonnées bancaires › Demandes)."
        ]
    return beneficiary.iban, []


def _lock(key: str) -> None:
    """A lock held until the surrounding transaction ends: a second save of the same key waits, then sees the
    first one committed (PostgreSQL advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def lock_and_check_reference(reference: str, payment_pk=None) -> str | None:
    """Lock the reference for this transaction; the French error when another payment already bears it."""
    _lock(f"payment-reference:{reference}")
    if Payment.objects.filter(reference=reference).exclude(pk=payment_pk).exists():
        return f"Un règlement porte déjà la référence {reference} : il a peut-être été enregistré deux fois."
    return None


def invoice_key(dossier, invoice_number: str) -> tuple[int, str]:
    return dossier.pk, (invoice_number or "").strip().upper()


def lock_and_find_settled(keys, payment_pk=None) -> dict[tuple[int, str], PaymentLine]:
    """Lock these (dossier, invoice) keys for this transaction (in one order, so that two saves cannot wait for each
    other) and return the lines of other payments that already settle them."""
    keys = sorted(set(keys))
    for dossier_pk, number in keys:
        _lock(f"payment-invoice:{dossier_pk}:{number}")
    settled = {}
    for dossier_pk, number in keys:
        line = (
            PaymentLine.objects.filter(dossier_id=dossier_pk, invoice_number__iexact=number)
            .exclude(payment_id=payment_pk)
            .select_related("payment", "dossier")
            .order_by("id")
            .first()
        )
        if line is not None:
            settled[(dossier_pk, number)] = line
    return settled


def already_settled_message(line: PaymentLine) -> str:
    return (
        f"La facture {line.invoice_number} du dossier {line.dossier.number} est déjà réglée par le règlement "
        f"{line.payment.reference} du {line.payment.paid_on:%d/%m/%Y}. Pour la régler une nouvelle fois, cochez "
        "« Régler à nouveau » et indiquez le motif."
    )


def line_dossier_problem(dossier, beneficiary) -> str | None:
    """A line may only settle a dossier that the beneficiary employs or trains."""
    if beneficiary is None or dossier is None:
        return None
    if beneficiary.pk not in (dossier.employer_establishment_id, dossier.provider_establishment_id):
        return f"Le dossier {dossier.number} n'est ni employé ni formé par l'établissement bénéficiaire."
    return None


@transaction.atomic
def record_payment(
    *, actor, reference, paid_on, beneficiary, lines, mode=PaymentMode.TRANSFER, total_amount=None
) -> Payment:
    """Write a payment and its lines (dicts of PaymentLine fields; scheme and training title default to the
    dossier's), check them and file the remittance advice. `total_amount` defaults to the sum of the lines. A line
    settling an invoice already paid needs a `duplicate_reason`."""
    if not lines:
        raise ValidationError("Un règlement a au moins une ligne.")
    lines_total = sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))
    if error := lock_and_check_reference(reference):
        raise ValidationError(error)
    settled = lock_and_find_settled(invoice_key(line["dossier"], line["invoice_number"]) for line in lines)
    seen = set()
    for line in lines:
        key = invoice_key(line["dossier"], line["invoice_number"])
        if (key in settled or key in seen) and not line.get("duplicate_reason", "").strip():
            raise ValidationError(
                already_settled_message(settled[key])
                if key in settled
                else f"La facture {line['invoice_number']} figure deux fois dans ce règlement."
            )
        seen.add(key)
    payment = Payment.objects.create(
        reference=reference,
        paid_on=paid_on,
        beneficiary=beneficiary,
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
def complete_payment(payment: Payment, *, actor, created: bool = False, refresh_iban: bool = False) -> Payment:
    """Check a written payment (total = sum of the lines, dossiers of the beneficiary, IBAN) and issue its remittance
    advice when it is new or changed. The IBAN is the beneficiary's validated one, recorded when the payment is
    created (or its beneficiary or mode changed: `refresh_iban`), then kept: it is where the money went."""
    payment = Payment.objects.select_for_update().select_related("beneficiary").get(pk=payment.pk)
    lines = list(payment.lines.select_related("dossier").order_by("invoice_date", "id"))
    errors = []
    if not lines:
        errors.append("Un règlement a au moins une ligne.")
    lines_total = sum((line.amount for line in lines), Decimal("0.00"))
    if mismatch := total_mismatch(payment.total_amount, lines_total):
        errors.append(mismatch)
    errors += [p for line in lines if (p := line_dossier_problem(line.dossier, payment.beneficiary))]
    if created or refresh_iban or (payment.mode == PaymentMode.TRANSFER and not payment.iban_paid):
        payment.iban_paid, iban_errors = paid_iban(payment.mode, payment.beneficiary)
        errors += iban_errors
    if errors:
        raise ValidationError(errors)
    fingerprint = payment_fingerprint(payment, lines)
    current = current_advice(payment)
    if current is not None and current.fingerprint == fingerprint:
        # Saved again with nothing changed: nothing issued, nothing replaced. (A save that started before a
        # simultaneous one may have written back the advice it had read: the latest version is the current one.)
        payment.remittance_advice_id = current.document_id
        payment.save(update_fields=["remittance_advice", "iban_paid"])
        return payment
    advice = issue_advice(payment, lines, actor=actor, fingerprint=fingerprint, previous=current)
    payment.remittance_advice = advice.document
    payment.save(update_fields=["remittance_advice", "iban_paid"])
    log_change(
        actor,
        payment,
        f"Règlement {'enregistré' if created else 'modifié'} : {len(lines)} ligne(s), "
        f"{format_amount(lines_total)} ; avis de virement émis"
        + (f" (version {advice.version}, remplace la version {current.version})." if current else "."),
        ADDITION if created else CHANGE,
    )
    if created:
        events.emit(
            "payment.recorded", lambda: payloads.payment(payment, lines), establishments=[payment.beneficiary_id]
        )
    return payment


def payment_fingerprint(payment: Payment, lines: list[PaymentLine]) -> str:
    """What the remittance advice says of the payment, hashed: equal fingerprints, same advice."""
    data = [
        payment.reference,
        payment.paid_on.isoformat(),
        payment.beneficiary_id,
        payment.mode,
        payment.iban_paid,
        str(payment.total_amount),
        [
            [
                line.dossier_id,
                line.invoice_date.isoformat(),
                line.invoice_number,
                line.period_start.isoformat(),
                line.period_end.isoformat(),
                line.scheme,
                line.training_title,
                str(line.amount),
            ]
            for line in sorted(lines, key=lambda line: line.pk)
        ],
    ]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def current_advice(payment: Payment) -> RemittanceAdvice | None:
    """The payment's latest advice version; an advice filed before versions existed becomes version 1 with an
    unknown fingerprint (the next save replaces it, keeping it)."""
    advice = payment.advices.order_by("-version").first()
    if advice is None and payment.remittance_advice_id is not None:
        advice = RemittanceAdvice.objects.create(payment=payment, document_id=payment.remittance_advice_id, version=1)
    return advice


def issue_advice(payment: Payment, lines, *, actor, fingerprint: str, previous: RemittanceAdvice | None):
    """File a new version of the remittance advice; the previous one is kept, marked replaced."""
    version = 1 if previous is None else previous.version + 1
    suffix = "" if version == 1 else f" (version {version})"
    document = Document.issue_pdf(
        remittance_advice_pdf(payment, lines, replaces=previous),
        name=f"Avis de virement {payment.reference}{suffix}.pdf",
        kind=DocumentKind.REMITTANCE_ADVICE,
        user=actor,
        establishment=payment.beneficiary,
    )
    if previous is not None:
        previous.replaced_at = timezone.now()
        previous.save(update_fields=["replaced_at"])
    return RemittanceAdvice.objects.create(payment=payment, document=document, version=version, fingerprint=fingerprint)


def remittance_advice_pdf(
    payment: Payment, lines: list[PaymentLine], replaces: RemittanceAdvice | None = None
) -> bytes:
    return render_pdf(
        "payments/remittance_advice_pdf.html",
        {
            "payment": payment,
            "replaces": replaces,
            "beneficiary": payment.beneficiary,
            "lines": [{"line": line, "amount": format_amount(line.amount)} for line in lines],
            "total": format_amount(payment.total_amount),
            "issued_on": timezone.localdate(),
        },
    )
