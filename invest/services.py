"""Every Digit Invest workflow: the portal's views and the admin call these, never the models directly."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from common.emails import send_email_on_commit
from common.formats import format_amount
from common.prepared import PreparedAggregate, PreparedListing, PreparedQuery
from common.uploads import check_upload
from invest.models import (
    Campaign,
    InvestmentRequest,
    Quote,
    RequestStatus,
    TermsAcceptance,
    TermsVersion,
    cents,
    cfa_memberships,
)

CLOSED_MESSAGE = "La campagne {year} est close : cette demande ne peut plus être modifiée ni transmise."
NOT_DRAFT_MESSAGE = "Cette demande a déjà été transmise : elle ne peut plus être modifiée."


# --- Access --------------------------------------------------------------------------------------------------


# Every Digit Invest page starts with these: their SQL is built once per process (common.prepared).
_CFA_MEMBERSHIPS = PreparedQuery(
    lambda user_id: (
        cfa_memberships()
        .filter(user=user_id)
        .select_related("establishment__organisation")
        .order_by("establishment__name", "establishment__siret")
    ),
    name="Digit Invest memberships",
)
_TERMS_IN_FORCE = PreparedQuery(
    lambda now: TermsVersion.objects.in_force(now)[:1],
    name="Digit Invest terms in force",
)
_OPEN_CAMPAIGN = PreparedQuery(lambda now: Campaign.objects.open_at(now)[:1], name="Digit Invest open campaign")
_LATEST_CAMPAIGN = PreparedQuery(lambda: Campaign.objects.all()[:1], name="Digit Invest latest campaign")


def _requests_newest_first(user_id, establishment_ids):
    return (
        InvestmentRequest.objects.for_cfa_user(user_id, establishment_ids)
        .select_related("campaign", "establishment", "category")
        .order_by("-campaign__year", "-created_at", "-id")
    )


_REQUEST_PAGE = PreparedQuery(
    lambda user_id, establishment_ids, window: _requests_newest_first(user_id, establishment_ids)[
        window[0] : window[1]
    ],
    name="Digit Invest home: a page of requests",
)
_REQUEST_COUNT = PreparedAggregate(_requests_newest_first, name="Digit Invest home: the count", n=Count("id"))


def request_pages(user, establishment_ids) -> PreparedListing:
    """The CFA's requests for the home page's Paginator, the latest campaign first."""
    return PreparedListing(_REQUEST_PAGE, _REQUEST_COUNT, user.pk, list(establishment_ids))


def user_cfa_memberships(user):
    """The user's active memberships on CFA establishments, establishments loaded, in display order."""
    return _CFA_MEMBERSHIPS(user.pk)


def terms_in_force() -> TermsVersion | None:
    """TermsVersion.objects.current(), read on every Digit Invest page."""
    return _TERMS_IN_FORCE.first(timezone.now())


def terms_to_accept(user) -> TermsVersion | None:
    """The Digit Invest terms in force, if the user has not accepted them yet."""
    current = terms_in_force()
    if current is None or TermsAcceptance.objects.filter(user=user, version=current).exists():
        return None
    return current


def accept_terms(user, version: TermsVersion) -> None:
    TermsAcceptance.objects.get_or_create(user=user, version=version)


# --- Campaigns -----------------------------------------------------------------------------------------------


def current_campaign() -> Campaign | None:
    """The open campaign, else the latest one (its resources and the user's requests stay visible)."""
    now = timezone.now()
    return _OPEN_CAMPAIGN.first(now) or _LATEST_CAMPAIGN.first()


def _check_open(campaign: Campaign, when=None) -> None:
    when = when or timezone.now()
    if when < campaign.opens_at:
        raise ValidationError(
            f"La campagne {campaign.year} ouvre le {timezone.localtime(campaign.opens_at):%d/%m/%Y à %H:%M}.",
            code="not_open",
        )
    if when >= campaign.closes_at:
        raise ValidationError(CLOSED_MESSAGE.format(year=campaign.year), code="closed")


def check_member(request: InvestmentRequest, user) -> None:
    """Only a user of the request's CFA acts on it (the views scope the same way; the service checks again so that
    any caller shares the rule)."""
    if not cfa_memberships().filter(user=user, establishment_id=request.establishment_id).exists():
        raise PermissionDenied("Vous n'êtes pas rattaché(e) à ce CFA.")


def check_editable(request: InvestmentRequest) -> None:
    """Raise the reason a request can no longer be changed: transmitted, or outside its campaign's window."""
    if not request.is_draft:
        raise ValidationError(NOT_DRAFT_MESSAGE, code="submitted")
    _check_open(request.campaign)


# --- Drafts --------------------------------------------------------------------------------------------------


@transaction.atomic
def create_request(*, campaign: Campaign, establishment, user, **fields) -> InvestmentRequest:
    """A new draft for one of the user's CFA establishments, while the campaign is open."""
    _check_open(campaign)
    if not cfa_memberships().filter(user=user, establishment=establishment).exists():
        raise ValidationError("Vous n'êtes pas rattaché(e) à ce CFA.", code="scope")
    return InvestmentRequest.objects.create(campaign=campaign, establishment=establishment, created_by=user, **fields)


@transaction.atomic
def create_draft(*, campaign: Campaign, establishment, user, fields: dict, line_formset) -> InvestmentRequest:
    """create_request, then its lines (formset already valid) and its totals: all or nothing."""
    created = create_request(campaign=campaign, establishment=establishment, user=user, **fields)
    line_formset.instance = created
    line_formset.save()
    recompute_totals(created)
    return created


def recompute_totals(request: InvestmentRequest) -> None:
    lines = list(request.lines.all())
    request.total_ht = cents(sum((line.total_ht for line in lines), Decimal("0")))
    request.total_vat = cents(sum((line.total_vat for line in lines), Decimal("0")))
    request.total_ttc = request.total_ht + request.total_vat
    request.save(update_fields=["total_ht", "total_vat", "total_ttc", "updated_at"])


@transaction.atomic
def save_draft(request: InvestmentRequest, form, line_formset) -> InvestmentRequest:
    """Save the project's fields and its lines (forms already valid), then the totals."""
    check_editable(request)
    form.save()
    line_formset.instance = request
    line_formset.save()
    recompute_totals(request)
    return request


@transaction.atomic
def attach_quote(request: InvestmentRequest, *, uploaded_file, user, document: str = "") -> Quote:
    """Check the file (type read from the content, size) and keep it with the draft as the campaign's required
    piece `document` (empty: another document); a refused file changes nothing."""
    check_member(request, user)
    check_editable(request)
    if document and document not in request.campaign.required_document_list:
        raise ValidationError(f"La campagne {request.campaign.year} ne demande pas la pièce « {document} ».")
    stored = check_upload(uploaded_file).stored_fields()
    return Quote.objects.create(request=request, uploaded_by=user, document=document, **stored)


@dataclass(frozen=True)
class RequiredDocument:
    """One piece the campaign requires, with the files of the request that provide it."""

    label: str
    files: list

    @property
    def is_attached(self) -> bool:
        return bool(self.files)


def required_documents(request: InvestmentRequest, quotes=None) -> tuple[list[RequiredDocument], list[Quote]]:
    """The campaign's required pieces in order, each with its files, and the other files of the request (attached
    as another document, or as a piece the campaign no longer asks for)."""
    quotes = list(request.quotes.all()) if quotes is None else quotes
    labels = request.campaign.required_document_list
    pieces = [RequiredDocument(label, [quote for quote in quotes if quote.document == label]) for label in labels]
    others = [quote for quote in quotes if quote.document not in labels]
    return pieces, others


def missing_documents(request: InvestmentRequest) -> list[str]:
    return [piece.label for piece in required_documents(request)[0] if not piece.is_attached]


@transaction.atomic
def remove_quote(quote: Quote) -> None:
    check_editable(quote.request)
    storage, name = quote.file.storage, quote.file.name
    quote.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_draft(request: InvestmentRequest) -> None:
    if not request.is_draft:
        raise ValidationError("Une demande transmise ne peut pas être supprimée.", code="submitted")
    files = [(quote.file.storage, quote.file.name) for quote in request.quotes.all()]
    request.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


# --- Submission and decision ---------------------------------------------------------------------------------


def submission_problems(request: InvestmentRequest) -> list[str]:
    """What still prevents the transmission, in words the CFA can act on (empty: ready)."""
    problems = []
    if not request.lines.exists():
        problems.append("Ajoutez au moins une ligne de dépense.")
    problems.extend(f"Joignez la pièce « {label} »." for label in missing_documents(request))
    if request.requested_amount <= 0:
        problems.append("Le montant demandé doit être supérieur à 0 €.")
    elif request.requested_amount > request.campaign.max_amount_per_request:
        problems.append(
            f"Le montant demandé ({format_amount(request.requested_amount)}) dépasse le maximum de la campagne "
            f"({format_amount(request.campaign.max_amount_per_request)})."
        )
    return problems


def _request_url(request: InvestmentRequest) -> str:
    return settings.SITE_URL + reverse("invest:request", args=[request.pk])


def _recipients(request: InvestmentRequest, *also) -> list[str]:
    return sorted({request.created_by.email, *(user.email for user in also if user)})


@transaction.atomic
def submit_request(request: InvestmentRequest, user) -> InvestmentRequest:
    """Transmit a complete draft before the closing date; it is read-only afterwards. Emails the CFA user.

    A second "Transmettre" of a request that is already transmitted (double click, resent form) changes nothing
    and sends no second email."""
    check_member(request, user)
    request = InvestmentRequest.objects.select_for_update().select_related("campaign").get(pk=request.pk)
    if request.status == RequestStatus.SUBMITTED:
        return request
    check_editable(request)
    problems = submission_problems(request)
    if problems:
        raise ValidationError(problems, code="incomplete")
    request.status = RequestStatus.SUBMITTED
    request.submitted_at = timezone.now()
    request.save(update_fields=["status", "submitted_at", "updated_at"])
    send_email_on_commit(
        "invest_submitted",
        {"request": request, "user": user, "url": _request_url(request), "campaign": request.campaign},
        _recipients(request, user),
    )
    return request


@transaction.atomic
def start_review(request: InvestmentRequest, staff_user) -> InvestmentRequest:
    if request.status != RequestStatus.SUBMITTED:
        raise ValidationError("Seule une demande transmise peut passer en instruction.", code="status")
    request.status = RequestStatus.UNDER_REVIEW
    request.save(update_fields=["status", "updated_at"])
    return request


@transaction.atomic
def decide(
    request: InvestmentRequest, *, accepted: bool, staff_user, granted_amount=None, reason: str = ""
) -> InvestmentRequest:
    """Accept (with the granted amount) or refuse (with a reason) a transmitted request; emails the CFA."""
    request = InvestmentRequest.objects.select_for_update().select_related("campaign", "created_by").get(pk=request.pk)
    if request.status not in (RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW):
        raise ValidationError(
            "Seule une demande transmise ou en instruction peut recevoir une décision.", code="status"
        )
    if accepted:
        if granted_amount is None or granted_amount <= 0:
            raise ValidationError({"granted_amount": "Indiquez le montant accordé."}, code="amount")
        if granted_amount > request.requested_amount:
            raise ValidationError(
                {"granted_amount": "Le montant accordé ne peut pas dépasser le montant demandé."}, code="amount"
            )
        request.status, request.granted_amount, request.refusal_reason = RequestStatus.ACCEPTED, granted_amount, ""
    else:
        if not reason.strip():
            raise ValidationError({"reason": "Indiquez le motif du refus."}, code="reason")
        request.status, request.granted_amount, request.refusal_reason = RequestStatus.REFUSED, None, reason.strip()
    request.decided_at = timezone.now()
    request.decided_by = staff_user
    request.save(update_fields=["status", "granted_amount", "refusal_reason", "decided_at", "decided_by", "updated_at"])
    send_email_on_commit(
        "invest_decision",
        {"request": request, "url": _request_url(request), "campaign": request.campaign},
        _recipients(request),
    )
    return request


@transaction.atomic
def mark_paid(request: InvestmentRequest, staff_user) -> InvestmentRequest:
    if request.status != RequestStatus.ACCEPTED:
        raise ValidationError("Seule une demande acceptée peut être marquée payée.", code="status")
    request.status = RequestStatus.PAID
    request.paid_at = timezone.now()
    request.save(update_fields=["status", "paid_at", "updated_at"])
    return request
