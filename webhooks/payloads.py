"""The data of each event, built the same way everywhere (and like the API's resources): ISO 8601 dates and times,
amounts as decimal strings with two decimals ("1234.50"), codes with their French label next to them, and user
data (titles, names, messages) as typed in the portal.

These builders read the objects they are given (dossiers, payments...) by their attributes: `webhooks` sits below
the apps that emit events (.importlinter) and imports none of them."""

import datetime
from decimal import Decimal

from django.utils import timezone


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def amount(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def establishment(value) -> dict | None:
    if value is None:
        return None
    return {"siret": value.siret, "name": value.name}


def dossier(value) -> dict:
    return {
        "number": value.number,
        "request_number": value.request_number,
        "scheme": value.scheme,
        "scheme_label": value.get_scheme_display(),
        "status": value.status,
        "status_label": value.status_label,
        "title": value.title,
        "start_date": iso(value.start_date),
        "end_date": iso(value.end_date),
        "agreed_amount": amount(value.agreed_amount),
        "employer": establishment(value.employer_establishment),
        "provider": establishment(value.provider_establishment),
    }


def status_change(change) -> dict:
    """A DossierStatusChange: the dossier as it is now, and the change."""
    return {
        "dossier": dossier(change.dossier),
        "from_status": change.from_status,
        "from_status_label": change.get_from_status_display(),
        "to_status": change.to_status,
        "to_status_label": change.get_to_status_display(),
        "changed_at": iso(change.changed_at),
        "note": change.note,
    }


def message(value) -> dict:
    return {
        "id": value.pk,
        "dossier_number": value.dossier.number,
        "title": value.title,
        "body": value.body,
        "sent_at": iso(value.created_at),
    }


def document(value) -> dict:
    return {
        "id": value.pk,
        "name": value.name,
        "kind": value.kind,
        "kind_label": value.get_kind_display(),
        "content_type": value.content_type,
        "size": value.size,
        "sha256": value.checksum,
        "issued_at": iso(value.uploaded_at),
        "dossier_number": value.dossier.number if value.dossier_id else None,
        "establishment": establishment(value.establishment) if value.establishment_id else None,
    }


def payment(value, lines) -> dict:
    return {
        "id": value.pk,
        "reference": value.reference,
        "paid_on": iso(value.paid_on),
        "mode": value.mode,
        "mode_label": value.get_mode_display(),
        "total_amount": amount(value.total_amount),
        "beneficiary": establishment(value.beneficiary),
        "lines": [
            {
                "dossier_number": line.dossier.number,
                "invoice_number": line.invoice_number,
                "invoice_date": iso(line.invoice_date),
                "period_start": iso(line.period_start),
                "period_end": iso(line.period_end),
                "scheme": line.scheme,
                "training_title": line.training_title,
                "amount": amount(line.amount),
            }
            for line in lines
        ],
    }


def invoice(value) -> dict:
    return {
        "id": value.pk,
        "number": value.number,
        "dossier_number": value.dossier.number,
        "status": value.status,
        "status_label": value.status_label(),
        "amount": amount(value.amount),
        "invoice_date": iso(value.invoice_date),
        "period_start": iso(value.period_start),
        "period_end": iso(value.period_end),
        "received_at": iso(value.received_at),
        "expected_payment_on": iso(value.expected_payment_on),
        "rejection_reason": value.rejection_reason,
    }


def avenant(value, *, type_code, type_label, effective_date) -> dict:
    return {
        "number": value.avenant_number,
        "dossier": dossier(value.amended_dossier),
        "type": type_code,
        "type_label": type_label,
        "effective_date": effective_date,
        "status": value.status,
        "status_label": value.get_status_display(),
        "submitted_at": iso(value.submitted_at),
    }


def rupture(value) -> dict:
    return {
        "dossier": dossier(value.dossier),
        "rupture_date": iso(value.rupture_date),
        "reason": value.reason,
        "reason_label": value.reason_label,
        "initiative": value.initiative,
        "initiative_label": value.initiative_label,
        "previous_end_date": iso(value.previous_end_date),
        "declared_at": iso(value.declared_at),
    }


def dossier_parties(value) -> list[int]:
    """The establishments a dossier's events are for: its employer's and its training provider's organisations
    both follow it in their portal."""
    return [pk for pk in (value.employer_establishment_id, value.provider_establishment_id) if pk]
