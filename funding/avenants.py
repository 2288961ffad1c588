"""Avenants (CERFA FA13 types 31 to 38) to an accepted apprenticeship contract, declared online by the employer.

An avenant is a FundingRequest of kind "avenant" on the contract's dossier (`amended_dossier`): its data is the
contract in force (the original request plus the earlier avenants) with the type, the effective date and what that
type changes. The rule engine validates it like a contract (dossiers.cerfa: for an avenant, ages at the effective
date, no upper age limit), the PDF is the same CERFA marked "Avenant n° …", and the case manager accepts it,
marks it incomplete or refuses it in the back office.

    avenant = start_avenant(dossier, user=..., avenant_type="36", effective_date=...)
    save_avenant(avenant, values)          # only the fields the type changes are kept
    problems = avenant_problems(avenant)   # field → messages ("documents": the signed avenant)
    submit_avenant(avenant, user=...)      # idempotent: a second click returns the same avenant
    decide(avenant, staff_user, ACCEPTED | INCOMPLETE | REFUSED, note)
    versions(dossier)                      # "Contrat initial", "Avenant n°1 du 01/03/2027 — …" and their changes
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from deadlines.services import refresh_deadlines
from dossiers.cerfa import FIELDS
from dossiers.cerfa.codes import AVENANT_TYPES, CONTRAT_TYPE
from dossiers.cerfa.fields import REMUNERATION_PARTS, REMUNERATION_PERIODS, REMUNERATION_YEARS, remuneration_id
from dossiers.cerfa.normalise import parse_date
from dossiers.contract import contract_dates
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier
from funding import services
from funding.models import FundingRequest, RequestDocumentKind, RequestKind, RequestStatus
from funding.pdf import format_value, render_cerfa_pdf
from funding.referentials import validate_request
from funding.ruptures import check_company_user, contract_problem
from webhooks import events, payloads

TYPE, EFFECTIVE, PREVIOUS_NUMBER = "contrat_type", "contrat_date_effet_avenant", "contrat_numero_precedent"
IN_FORCE_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.INCOMPLETE, RequestStatus.ACCEPTED)
REQUIRED_DOCUMENTS = [RequestDocumentKind.SIGNED_CERFA]


def _prefixed(*prefixes: str) -> tuple[str, ...]:
    return tuple(field_id for field_id in FIELDS if field_id.startswith(prefixes))


REMUNERATION = tuple(
    remuneration_id(year, period, part)
    for year in REMUNERATION_YEARS
    for period in REMUNERATION_PERIODS
    for part in REMUNERATION_PARTS
)
HOURS = ("contrat_duree_hebdo_heures", "contrat_duree_hebdo_minutes")
END = ("contrat_date_fin",)
EMPLOYER = _prefixed("employeur_")
MAITRES = _prefixed("maitre1_", "maitre2_")
TRAINING = _prefixed("formation_")
CFA = _prefixed("cfa_")

# What each type of avenant changes (the rest of the contract is shown, read-only). Every avenant names the
# contract it changes (its number, given by the OPCO at the deposit) and its effective date.
EDITABLE_BY_TYPE: dict[str, tuple[str, ...]] = {
    "31": EMPLOYER,  # the employer's legal situation (merger, new SIRET…)
    "32": EMPLOYER,  # another employer, for a seasonal contract
    "33": END + REMUNERATION,  # extended after a failed exam: new end date and the pay of the extra period
    "34": END + HOURS + REMUNERATION,  # extended for a disabled apprentice (4th year, D. 6222-28-1)
    "35": TRAINING + END + REMUNERATION,  # an extra diploma
    "36": MAITRES + HOURS + REMUNERATION + END,  # new maître, weekly hours, shorter duration…
    "37": END + _prefixed("employeur_adresse_"),  # another place of execution
    "38": CFA + _prefixed("formation_lieu_"),  # another main place of the CFA training
}
ALWAYS_EDITABLE = (PREVIOUS_NUMBER,)
# Which person of the company the wizard's look-up chose for the new maître (kept like in a contract's draft).
PERSON_KEYS_BY_TYPE: dict[str, tuple[str, ...]] = {"36": ("maitre1_person_id", "maitre2_person_id")}

TYPE_CHOICES = [(code, CONTRAT_TYPE.label(code)) for code in sorted(AVENANT_TYPES)]


def editable_fields(avenant_type: str) -> tuple[str, ...]:
    return ALWAYS_EDITABLE + EDITABLE_BY_TYPE.get(avenant_type, ())


# --- the contract in force ------------------------------------------------------------------------------------------


def transmitted_avenants(dossier: Dossier):
    return (
        FundingRequest.objects.filter(amended_dossier=dossier, kind=RequestKind.AVENANT, status__in=IN_FORCE_STATUSES)
        .select_related("amended_dossier")
        .order_by("avenant_sequence")
    )


def original_data(dossier: Dossier) -> dict:
    request = FundingRequest.objects.filter(dossier=dossier).only("data").first()
    return dict(request.data) if request is not None else {}


def contract_in_force(dossier: Dossier, *, before_sequence: int | None = None) -> dict:
    """The original contract's fields with every transmitted avenant applied in order (only those before
    `before_sequence` when given). The avenant-only keys of the last one are not carried over."""
    data = original_data(dossier)
    for avenant in transmitted_avenants(dossier):
        if before_sequence is not None and avenant.avenant_sequence >= before_sequence:
            break
        data.update(avenant.data)
    for key in (TYPE, EFFECTIVE):
        data.pop(key, None)
    return data


# --- the draft ------------------------------------------------------------------------------------------------------


def start_problems(dossier: Dossier, avenant_type: str, effective_date: datetime.date | None) -> dict[str, str]:
    problems = {}
    if avenant_type not in AVENANT_TYPES:
        problems["type"] = "Choisissez le type d'avenant dans la liste."
    if effective_date is None:
        problems["date_effet"] = "Indiquez la date d'effet de l'avenant."
    else:
        start, end = contract_dates(dossier)  # the contract's, not the training's (the dossier's own dates)
        if not start <= effective_date <= end:
            problems["date_effet"] = (
                f"La date d'effet doit être comprise dans le contrat, du {start:%d/%m/%Y} au {end:%d/%m/%Y}."
            )
    return problems


@transaction.atomic
def start_avenant(dossier: Dossier, *, user, avenant_type: str, effective_date: datetime.date) -> FundingRequest:
    """A draft avenant pre-filled from the contract in force, with the next sequence number on that contract."""
    check_company_user(dossier, user)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    problem = contract_problem(locked)
    if problem:
        raise ValidationError({"__all__": [problem]})
    problems = start_problems(locked, avenant_type, effective_date)
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})
    last = FundingRequest.objects.filter(amended_dossier=locked).aggregate(last=Max("avenant_sequence"))["last"]
    data = {**contract_in_force(locked), TYPE: avenant_type, EFFECTIVE: effective_date.isoformat()}
    return FundingRequest.objects.create(
        kind=RequestKind.AVENANT,
        employer_establishment=locked.employer_establishment,
        created_by=user,
        amended_dossier=locked,
        avenant_sequence=(last or 0) + 1,
        data=data,
        current_step="avenant",
    )


def save_avenant(avenant: FundingRequest, values: dict) -> FundingRequest:
    """Keep only what the avenant's type changes; the rest of the contract in force cannot be changed here."""
    avenant_type = avenant.data.get(TYPE)
    allowed = set(editable_fields(avenant_type)) | set(PERSON_KEYS_BY_TYPE.get(avenant_type, ()))
    return services.save_draft(avenant, {key: value for key, value in values.items() if key in allowed})


def avenant_problems(
    avenant: FundingRequest, *, today: datetime.date | None = None, result=None
) -> dict[str, list[str]]:
    """The blocking errors of the CERFA (at the effective date: dossiers.cerfa handles an avenant's dates) and the
    signed avenant when it is missing."""
    if result is None:
        result = validate_request(avenant, today=today)
    problems = {field_id: list(messages) for field_id, messages in result.errors.items()}
    attached = {document.kind for document in avenant.documents.all()}
    if RequestDocumentKind.SIGNED_CERFA not in attached:
        problems["documents"] = ["Pièce obligatoire manquante : l'avenant signé (CERFA signé par les parties)."]
    return problems


def avenant_pdf(avenant: FundingRequest) -> bytes:
    """The filled CERFA, marked as an avenant with its number."""
    return render_cerfa_pdf(
        avenant.data, establishment=avenant.employer_establishment, dossier=None, avenant_number=avenant.avenant_number
    )


@transaction.atomic
def submit_avenant(avenant: FundingRequest, *, user, today: datetime.date | None = None) -> FundingRequest:
    """Transmit the avenant: its signed copy and the filled CERFA join the dossier's received documents. A second
    call (double click, second tab) waits for the first and returns the avenant unchanged."""
    if not FundingRequest.objects.for_company_user(user).filter(pk=avenant.pk).exists():
        raise PermissionDenied("Cet avenant n'est pas celui d'un de vos établissements.")
    locked = FundingRequest.objects.select_for_update().get(pk=avenant.pk)
    if not locked.is_draft:
        return locked
    problems = avenant_problems(locked, today=today)
    if problems:
        raise ValidationError(problems)
    dossier = locked.amended_dossier
    for document in locked.documents.all():
        Document.objects.create(
            dossier=dossier,
            direction=DocumentDirection.RECEIVED,
            kind=DocumentKind.CERFA,
            **{**document.same_file_fields(), "name": f"Avenant n° {locked.avenant_number} — {document.name}"},
        )
    Document.objects.create(
        dossier=dossier,
        direction=DocumentDirection.RECEIVED,
        kind=DocumentKind.CERFA,
        uploaded_by=user,
        **Document.pdf_fields(
            avenant_pdf(locked), name=f"Avenant n° {locked.avenant_number} (CERFA rempli).pdf", file_name="avenant.pdf"
        ),
    )
    locked.status = RequestStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    events.emit("avenant.recorded", lambda: avenant_payload(locked), establishments=payloads.dossier_parties(dossier))
    avenant.status, avenant.submitted_at = locked.status, locked.submitted_at
    return locked


def avenant_payload(avenant: FundingRequest) -> dict:
    code = avenant.data.get(TYPE)
    return payloads.avenant(
        avenant, type_code=code, type_label=CONTRAT_TYPE.label(code), effective_date=avenant.data.get(EFFECTIVE)
    )


# --- the case manager's decision -------------------------------------------------------------------------------------

DECISIONS = {
    RequestStatus.ACCEPTED: ("Avenant {number} accepté", "L'avenant n° {number} à votre contrat est accepté."),
    RequestStatus.INCOMPLETE: (
        "Avenant {number} incomplet",
        "L'avenant n° {number} à votre contrat est incomplet. Merci de nous transmettre, en réponse à ce message :"
        "\n\n{note}",
    ),
    RequestStatus.REFUSED: (
        "Avenant {number} refusé",
        "L'avenant n° {number} à votre contrat n'a pas pu être accepté pour le motif suivant :\n\n{note}",
    ),
}


@transaction.atomic
def decide(avenant: FundingRequest, staff_user, decision: str, note: str = "") -> FundingRequest:
    """Accept, mark incomplete or refuse a transmitted avenant (a reason is required for the last two). Accepted,
    its end date becomes the dossier's. The company gets the decision in the dossier's thread."""
    from messaging.services import reply_as_case_manager

    if not staff_user.has_perm("dossiers.instruct_dossier"):
        raise ValidationError("Vous n'avez pas le droit d'instruire un avenant.")
    locked = FundingRequest.objects.select_for_update().get(pk=avenant.pk)
    if locked.kind != RequestKind.AVENANT or locked.status not in (RequestStatus.SUBMITTED, RequestStatus.INCOMPLETE):
        raise ValidationError(f"Cet avenant est « {locked.get_status_display()} » : il ne peut plus être instruit.")
    note = (note or "").strip()
    if decision != RequestStatus.ACCEPTED and not note:
        raise ValidationError("Indiquez le motif (ou les pièces manquantes) : il est envoyé à l'entreprise.")
    locked.status, locked.decision_note = decision, note
    locked.decided_by, locked.decided_at = staff_user, timezone.now()
    locked.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"])
    dossier = locked.amended_dossier
    new_end = parse_date(locked.data.get("contrat_date_fin"))
    if decision == RequestStatus.ACCEPTED:
        if new_end and new_end != dossier.end_date and new_end >= dossier.start_date:
            dossier.end_date = new_end
            dossier.save(update_fields=["end_date", "updated_at"])
        # The end, the pay rows and their amounts follow the contract in force (dossiers.contract), in this
        # transaction; the NPEC schedule reads it when shown.
        refresh_deadlines(dossier)
    subject, body = DECISIONS[decision]
    values = {"number": locked.avenant_number, "note": note}
    reply_as_case_manager(dossier, staff_user, subject.format(**values), "Bonjour,\n\n" + body.format(**values))
    avenant.status = locked.status
    return locked


# --- the versions of the contract ----------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Version:
    title: str
    status: str
    avenant: FundingRequest | None = None
    changes: list[Change] = field(default_factory=list)


def changes_between(before: dict, after: dict) -> list[Change]:
    """What changed, field by field, in the CERFA's order, printed as on the form."""
    changed = []
    for field_id, cerfa_field in FIELDS.items():
        if field_id in (TYPE, EFFECTIVE) or field_id.startswith("signature_"):
            continue
        old, new = format_value(cerfa_field, before.get(field_id)), format_value(cerfa_field, after.get(field_id))
        if old != new:
            changed.append(Change(cerfa_field.label, old or "—", new or "—"))
    return changed


def short_label(avenant: FundingRequest, changes: list[Change]) -> str:
    """ "changement de maître d'apprentissage" for a 36 that changes the maître; the official label otherwise."""
    avenant_type = avenant.data.get(TYPE)
    if avenant_type == "36":
        labels = {change.label for change in changes}
        if any(FIELDS[field_id].label in labels for field_id in MAITRES):
            return "changement de maître d'apprentissage"
        if any(FIELDS[field_id].label in labels for field_id in HOURS):
            return "changement de durée de travail hebdomadaire"
    label = CONTRAT_TYPE.label(avenant_type) or ""
    return label[:1].lower() + label[1:]


def versions(dossier: Dossier) -> list[Version]:
    """The contract's versions, oldest first: the initial contract, then each transmitted avenant with its changes."""
    original = FundingRequest.objects.filter(dossier=dossier).first()
    if original is None:
        return []
    result = [Version("Contrat initial", "Accepté")]
    before = dict(original.data)
    for avenant in transmitted_avenants(dossier):
        changes = changes_between(before, avenant.data)
        effective = parse_date(avenant.data.get(EFFECTIVE))
        title = f"Avenant n°{avenant.avenant_sequence}" + (f" du {effective:%d/%m/%Y}" if effective else "")
        title += f" — {short_label(avenant, changes)}"
        result.append(Version(title, avenant.get_status_display(), avenant, changes))
        before = {**before, **avenant.data}
    return result
