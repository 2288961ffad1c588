"""Transmission of a funding request: the draft becomes a dossier in the "Transmis" state.

    problems = submission_problems(request)        # what still prevents it: field id → messages, "documents"
    dossier = submit_request(request, user=user)   # ValidationError listing the problems, or the dossier

A transmitted request always satisfies every blocking rule of the CERFA and has its required documents; warnings
never block. Transmitting is idempotent: a double click or a second tab waits for the first transmission (row lock)
and then gets the same dossier back, without a second dossier or a second email.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Civility, Person
from common.emails import send_email_on_commit
from deadlines.services import refresh_deadlines
from dossiers.cerfa import FIELDS
from dossiers.cerfa.normalise import parse_date
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier, DossierStatus, Enrolment, Scheme
from funding import plan
from funding.models import FundingRequest, RequestDocument, RequestDocumentKind, RequestKind, RequestStatus
from funding.pdf import idcc_title, render_cerfa_pdf, render_plan_pdf
from funding.referentials import validate_request

logger = logging.getLogger(__name__)

REQUIRED_DOCUMENTS: dict[str, list[str]] = {
    RequestKind.APPRENTICESHIP: [RequestDocumentKind.SIGNED_CERFA, RequestDocumentKind.TRAINING_AGREEMENT],
    RequestKind.PLAN: plan.REQUIRED_DOCUMENTS,
}

DOCUMENT_KINDS = {
    RequestDocumentKind.SIGNED_CERFA: DocumentKind.CERFA,
    RequestDocumentKind.TRAINING_AGREEMENT: DocumentKind.TRAINING_AGREEMENT,
}

SCHEMES = {RequestKind.APPRENTICESHIP: Scheme.ALTE, RequestKind.PLAN: Scheme.PLAN}

# Key of the request's data holding the id of a Person of the employer chosen as the apprentice in the wizard
# (not a CERFA field: the rule engine ignores it).
APPRENTICE_PERSON_KEY = "apprenti_person_id"

ALREADY_SUBMITTED = "Cette demande a déjà été transmise."
DOCUMENTS_KEY = "documents"


# --- what prevents the transmission ------------------------------------------------------------------------------


def missing_documents(request: FundingRequest, documents: list[RequestDocument] | None = None) -> list[str]:
    """The labels of the required documents not attached yet (e.g. ["CERFA signé"])."""
    if documents is None:
        documents = list(request.documents.all())
    attached = {document.kind for document in documents}
    return [
        RequestDocumentKind(kind).label for kind in REQUIRED_DOCUMENTS.get(request.kind, []) if kind not in attached
    ]


def _problems(request: FundingRequest, documents: list[RequestDocument], today: date | None, result=None):
    if result is None:
        result = validate_request(request, today=today)
    problems: dict[str, list[str]] = {field_id: list(messages) for field_id, messages in result.errors.items()}
    missing = missing_documents(request, documents)
    if missing:
        problems[DOCUMENTS_KEY] = [f"Pièce obligatoire manquante : {label}." for label in missing]
    return result, problems


def submission_problems(request: FundingRequest, *, today: date | None = None, validation=None) -> dict[str, list[str]]:
    """What prevents the transmission: the blocking errors of the CERFA (field id → French messages) and, under
    "documents", one message per required document missing. Empty when the request can be transmitted.
    `validation`: validate_request() of a CERFA request, when the caller has it already."""
    documents = list(request.documents.all())
    if request.kind == RequestKind.PLAN:
        return _plan_problems(request, documents, today)[1]
    return _problems(request, documents, today, validation)[1]


def problem_messages(problems: dict[str, list[str]]) -> list[str]:
    """The problems as sentences naming their field ("Code RNCP : …"), in the order of the form."""
    messages = []
    for field_id, field_messages in problems.items():
        field = FIELDS.get(field_id)
        for message in field_messages:
            messages.append(f"{field.label} : {message}" if field else message)
    return messages


# --- transmission ------------------------------------------------------------------------------------------------


def _next_numbers() -> tuple[str, str]:
    """(dossier number "9930000001.01", request number "2100001") from the PostgreSQL sequences; a dossier number
    already used by a dossier created otherwise (import, back office) is skipped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('funding_dossier_number_seq'), nextval('funding_request_number_seq')")
        dossier_seq, request_seq = cursor.fetchone()
        number = f"{dossier_seq}.01"
        while Dossier.objects.filter(number=number).exists():
            cursor.execute("SELECT nextval('funding_dossier_number_seq')")
            number = f"{cursor.fetchone()[0]}.01"
    return number, str(request_seq)


def _provider_establishment(data: dict[str, Any]):
    """The portal's establishment of the CFA (by UAI), the one with the CERFA's SIRET first; None if unknown."""
    from accounts.models import Establishment

    uai = data.get("cfa_uai")
    if not uai:
        return None
    candidates = list(Establishment.objects.filter(uai=uai).order_by("id"))
    for candidate in candidates:
        if candidate.siret == data.get("cfa_siret"):
            return candidate
    return candidates[0] if candidates else None


def _address_line(data: dict[str, Any], prefix: str) -> str:
    number = " ".join(filter(None, [data.get(f"{prefix}_numero"), data.get(f"{prefix}_indice_repetition")]))
    street = " ".join(filter(None, [number, data.get(f"{prefix}_voie")]))
    return ", ".join(filter(None, [street, data.get(f"{prefix}_complement")]))[:200]


def _apprentice(data: dict[str, Any], establishment, user) -> Person:
    """The Person chosen in the wizard when it belongs to the employer's organisation and to the user's scope
    (Person.objects.for_user); otherwise a new Person of that establishment from the CERFA's apprentice block (an id
    outside the scope is never used)."""
    organisation_id = establishment.organisation_id
    person_id = data.get(APPRENTICE_PERSON_KEY)
    if person_id not in (None, ""):
        persons = Person.objects.filter(organisation_id=organisation_id)
        if getattr(user, "pk", None):
            persons = persons.filter(pk__in=Person.objects.for_user(user).values("pk"))
        try:
            person = persons.filter(pk=int(person_id)).first()
        except (TypeError, ValueError):
            person = None
        if person is not None:
            return person
    civility = {"M": Civility.MONSIEUR, "F": Civility.MADAME}.get(data.get("apprenti_sexe"), "")
    return Person.objects.create(
        organisation_id=organisation_id,
        establishment=establishment,
        civility=civility,
        last_name=str(data.get("apprenti_nom_naissance") or "")[:150],
        first_name=str(data.get("apprenti_prenom") or "")[:150],
        birth_date=parse_date(data.get("apprenti_date_naissance")),
        nir=str(data.get("apprenti_nir") or "")[:13],
        email=str(data.get("apprenti_courriel") or "")[:254],
        phone=str(data.get("apprenti_telephone") or "")[:20],
        address_line1=_address_line(data, "apprenti_adresse"),
        postal_code=str(data.get("apprenti_adresse_code_postal") or "")[:5],
        city=str(data.get("apprenti_adresse_commune") or "")[:100],
    )


def _received_documents(dossier: Dossier, documents: list[RequestDocument]) -> list[Document]:
    """The request's files as received documents of the dossier: same stored file (no copy), same metadata."""
    return Document.objects.bulk_create(
        Document(
            dossier=dossier,
            direction=DocumentDirection.RECEIVED,
            kind=DOCUMENT_KINDS.get(document.kind, DocumentKind.OTHER),
            **document.same_file_fields(),
        )
        for document in documents
    )


def _rendered_document(dossier: Dossier, made, user) -> Document:
    """The PDF rendered from the data transmitted (the CERFA, the plan's summary), a received document."""
    # The CERFA rendered here is not signed: it is filed apart from the "CERFA signé" the company uploads.
    kind = DocumentKind.GENERATED_CERFA if dossier.scheme == Scheme.ALTE else DocumentKind.OTHER
    return Document.objects.create(
        dossier=dossier,
        direction=DocumentDirection.RECEIVED,
        kind=kind,
        uploaded_by=user,
        **Document.pdf_fields(
            made.pdf,
            name=made.pdf_name[:255],
            file_name="demande.pdf" if kind == DocumentKind.OTHER else "cerfa.pdf",
        ),
    )


@dataclass
class Transmitted:
    """What a kind of request made of the draft: the dossier, the data kept, the PDF rendered for the dossier and
    who the confirmation email names."""

    dossier: Dossier
    data: dict[str, Any]
    pdf: bytes
    pdf_name: str
    who_label: str  # "Apprenti(e)", "Stagiaires"
    who: str


def _training_dates(data: dict[str, Any]) -> dict[str, date | None]:
    """The dossier's dates are the training's, as the portal labels them ("date de début de formation"): the start
    of the training in the CFA and the planned end of its exams (CERFA), not the contract's execution dates."""
    start = parse_date(data.get("formation_date_debut")) or parse_date(data.get("contrat_date_debut_execution"))
    end = parse_date(data.get("formation_date_fin_epreuves")) or parse_date(data.get("contrat_date_fin"))
    if start and end and end < start:
        end = start
    return {"start_date": start, "end_date": end}


def _transmit_apprenticeship(locked: FundingRequest, result, *, user, numbers) -> Transmitted:
    data = {key: value for key, value in result.data.items() if value is not None}
    if not data.get("employeur_libelle_idcc"):
        # The derived "libellé" of the form, from KALI, kept with the data transmitted.
        title = idcc_title(data.get("employeur_code_idcc"))
        if title:
            data["employeur_libelle_idcc"] = title
    establishment = locked.employer_establishment
    number, request_number = numbers
    dossier = Dossier.objects.create(
        number=number,
        request_number=request_number,
        scheme=SCHEMES[locked.kind],
        status=DossierStatus.SUBMITTED,
        title=str(data.get("formation_intitule_precis") or "")[:255],
        **_training_dates(data),
        employer_establishment=establishment,
        provider_establishment=_provider_establishment(data),
        created_by=user,
    )
    person = _apprentice(data, establishment, user)
    Enrolment.objects.create(dossier=dossier, person=person)
    return Transmitted(
        dossier=dossier,
        data=data,
        pdf=render_cerfa_pdf(data, establishment=establishment, dossier=dossier),
        pdf_name=f"CERFA FA13 - {person.last_name.upper()} {person.first_name}.pdf",
        who_label="Apprenti(e)",
        who=f"{person.first_name} {person.last_name.upper()}",
    )


def _transmit_plan(locked: FundingRequest, content, *, user, numbers) -> Transmitted:
    data = dict(locked.data)
    number, request_number = numbers
    dates = plan.training_dates(data)
    estimate = plan.estimate_plan(locked, content)
    dossier = Dossier.objects.create(
        number=number,
        request_number=request_number,
        scheme=Scheme.PLAN,
        status=DossierStatus.SUBMITTED,
        title=plan.training_title(data)[:255],
        start_date=dates["start"],
        end_date=dates["end"],
        # The amount the funding rules grant, proposed to the case manager for the Accord de prise en charge.
        agreed_amount=estimate.funded if estimate.is_complete else None,
        employer_establishment=locked.employer_establishment,
        provider_establishment=plan.dossier_provider(content),
        created_by=user,
    )
    persons = plan.persons_of_dossier(content)
    Enrolment.objects.bulk_create(Enrolment(dossier=dossier, person=person) for person in persons)
    return Transmitted(
        dossier=dossier,
        data=data,
        pdf=render_plan_pdf(locked, content, estimate, dossier=dossier),
        pdf_name=f"Demande de prise en charge Plan - {dossier.request_number}.pdf",
        who_label="Stagiaires",
        who=", ".join(f"{person.first_name} {person.last_name.upper()}" for person in persons),
    )


def _plan_problems(request: FundingRequest, documents: list[RequestDocument], today: date | None):
    content = plan.load_plan(request)
    problems: dict[str, list[str]] = {}
    for problem in plan.plan_problems(request, content, documents=documents, today=today):
        problems.setdefault(problem.anchor, []).append(f"{problem.label} : {problem.message}")
    return content, problems


@transaction.atomic
def submit_request(request: FundingRequest, *, user, today: date | None = None) -> Dossier:
    """Transmit a draft: re-validated under a row lock, it becomes a dossier ("Transmis") with its numbers, its
    trainees enrolled (the apprentice; a plan's trainees), the attached files and the rendered PDF (the CERFA; the
    plan's summary) as received documents; the request is marked transmitted and the user gets a confirmation
    email once committed.

    Raises ValidationError (one message per problem, naming the field or the document) when a blocking rule fails
    or a required document is missing. A request already transmitted returns its dossier (nothing done again).
    `request` is updated in place. The caller has checked that the user may act for the request's establishment.
    """
    # No join to the dossier here: when another transmission has just committed, PostgreSQL re-reads the locked row
    # but not the rows joined to it, which would come from the snapshot taken before that dossier existed.
    locked = (
        FundingRequest.objects.select_for_update(of=("self",))
        .select_related("employer_establishment")
        .get(pk=request.pk)
    )
    if not locked.is_draft:
        if locked.dossier is None:
            raise ValidationError(ALREADY_SUBMITTED, code="submitted")
        _refresh(request, locked)
        return locked.dossier
    if locked.kind not in SCHEMES:
        raise ValidationError("Ce type de demande ne peut pas encore être transmis en ligne.", code="unsupported")

    documents = list(locked.documents.all())
    if locked.kind == RequestKind.PLAN:
        checked, problems = _plan_problems(locked, documents, today)
        messages = [message for found in problems.values() for message in found]
    else:
        checked, problems = _problems(locked, documents, today)
        messages = problem_messages(problems)
    if problems:
        raise ValidationError([ValidationError(message, code="incomplete") for message in messages])

    transmit = _transmit_plan if locked.kind == RequestKind.PLAN else _transmit_apprenticeship
    made = transmit(locked, checked, user=user, numbers=_next_numbers())
    dossier = made.dossier
    _received_documents(dossier, documents)

    locked.status = RequestStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.dossier = dossier
    locked.data = made.data
    locked.save(update_fields=["status", "submitted_at", "dossier", "data", "updated_at"])
    refresh_deadlines(dossier)  # its échéances exist from the transmission on, in the same transaction

    rendered = _rendered_document(dossier, made, user)
    try:
        _send_confirmation(locked, dossier, made, user)
    except Exception:
        # The rendered PDF is already in the storage: a rolled-back transmission must not leave it behind.
        rendered.file.storage.delete(rendered.file.name)
        raise
    _refresh(request, locked)
    logger.info("Request %s transmitted as dossier %s by user %s", locked.pk, dossier.number, getattr(user, "pk", None))
    return dossier


def _send_confirmation(request: FundingRequest, dossier: Dossier, made: Transmitted, user) -> None:
    if not getattr(user, "email", ""):
        return
    send_email_on_commit(
        "request_submitted",
        {
            "user": user,
            "request": request,
            "dossier": dossier,
            "who_label": made.who_label,
            "who": made.who,
            "training": dossier.title,
            "establishment": request.employer_establishment,
            "submitted_at": timezone.localtime(request.submitted_at),
            "dossiers_url": f"{settings.SITE_URL}/egestion/dossiers/",
        },
        to=[user.email],
    )


def _refresh(request: FundingRequest, locked: FundingRequest) -> None:
    for field in ("status", "submitted_at", "dossier", "data", "updated_at"):
        setattr(request, field, getattr(locked, field))
