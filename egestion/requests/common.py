"""What every kind of funding request shares in eGestion: loading a draft within the user's scope, the
choice of the employer establishment, look-ups of persons, the documents step, the transmission, the PDF and the
confirmation page. The apprenticeship wizard (apprenticeship/) and the skills plan (plan/) build on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header, urlencode

from accounts.models import Civility, Person
from common.downloads import document_response
from common.forms import ErrorSummaryMixin
from egestion.access import egestion_required
from funding import apprenticeship, plan, services
from funding.models import FundingRequest, RequestDocument, RequestDocumentKind, RequestKind, RequestStatus
from funding.pdf import render_cerfa_pdf, render_plan_pdf
from funding.plan import training_title
from funding.transmission import REQUIRED_DOCUMENTS, submit_request

LOOKUP_LIMIT = 20


# The pieces the documents step offers to upload, in this order.
UPLOAD_KINDS = (RequestDocumentKind.SIGNED_CERFA, RequestDocumentKind.TRAINING_AGREEMENT, RequestDocumentKind.OTHER)


def user_requests(request):
    return FundingRequest.objects.for_company_user(request.user).select_related("employer_establishment__organisation")


def draft_view(view=None, *, kind=None):
    """Load the draft of the URL among the user's establishments' drafts (of `kind` when given): 404 otherwise, and
    the confirmation page for a request that has been transmitted."""
    if view is None:
        return lambda view: draft_view(view, kind=kind)

    @egestion_required
    @wraps(view)
    def wrapper(request, public_id, *args, **kwargs):
        drafts = user_requests(request).drafts()
        if kind is not None:
            drafts = drafts.filter(kind=kind)
        draft = drafts.filter(public_id=public_id).first()
        if draft is None:
            if user_requests(request).filter(public_id=public_id, status=RequestStatus.SUBMITTED).exists():
                return redirect("egestion:request_submitted", public_id=public_id)
            raise Http404("Aucun brouillon ne correspond à cette adresse.")
        return view(request, draft, *args, **kwargs)

    return wrapper


def with_query(url: str, anchor: str = "", params: dict | None = None) -> str:
    """`url` with the query string of `params` and the `#anchor`, when given."""
    if params:
        url += "?" + urlencode(params)
    return url + (f"#{anchor}" if anchor else "")


def apprentice_name(data: dict) -> str:
    return " ".join(filter(None, [(data.get("apprenti_nom_naissance") or "").upper(), data.get("apprenti_prenom")]))


def request_subject(funding_request) -> str:
    """What names a request in the lists: the apprentice of a contract, the training of a plan request."""
    if funding_request.kind == RequestKind.PLAN:
        return training_title(funding_request.data)
    return apprentice_name(funding_request.data)


def _user_establishments(request):
    seen = {}
    for membership in request.memberships:
        seen.setdefault(membership.establishment_id, membership.establishment)
    return list(seen.values())


def new_request(request, *, kind, initial_data, first_url, error):
    """Choose the employer establishment (one of the user's), then "Suivant" creates the draft of `kind` with
    `initial_data(establishment)` and opens `first_url(draft)`."""
    establishments = _user_establishments(request)
    message = ""
    chosen_id = request.POST.get("etablissement", "")
    if request.method == "POST":
        if chosen_id:
            establishment = next((e for e in establishments if str(e.pk) == chosen_id), None)
            if establishment is None:
                raise Http404("Cet établissement n'est pas l'un des vôtres.")
            draft = services.create_draft(
                user=request.user, establishment=establishment, kind=kind, initial_data=initial_data(establishment)
            )
            return redirect(first_url(draft))
        message = error
    elif len(establishments) == 1:
        chosen_id = str(establishments[0].pk)
    context = {
        "establishments": establishments,
        "chosen_id": chosen_id,
        "error": message,
        "kind_label": RequestKind(kind).label,
        "active_menu": "requests",
    }
    return render(request, "egestion/requests/request_establishment.html", context, status=400 if message else 200)


@dataclass
class LookupItem:
    value: str
    title: str
    detail: str = ""
    badge: str = ""
    disabled: bool = False


@dataclass
class Lookup:
    key: str  # a person target, "cfa", "diplome" or "rncp"
    label: str
    url: str
    placeholder: str = ""
    terms: str = ""
    searched: bool = False
    results: list = field(default_factory=list)
    selected: str = ""
    can_create: bool = False
    clear_label: str = ""
    empty_message: str = ""
    edit_anchor: str = ""  # the field the pencil next to the selected person leads to (its details, editable)

    @property
    def is_person(self) -> bool:
        return self.key in apprenticeship.PERSON_TARGETS


def scoped_persons(request, draft):
    """The persons the user may look up and select for the draft: those of the draft's employer organisation
    within the user's scope (Person.objects.for_user, narrowed by the header's entity switcher)."""
    return Person.objects.for_user(request.user, request.establishment_ids).filter(
        organisation_id=draft.employer_establishment.organisation_id
    )


def person_lookup(persons, target: str, terms: str) -> list[LookupItem]:
    """Those of `persons` (scoped_persons) whose names hold every word typed (all of them, by name, for blank
    terms): at most LOOKUP_LIMIT. No NIR in the results: the apprentice step shows it once the person is chosen."""
    for word in terms.split()[:5]:
        persons = persons.filter(Q(last_name__unaccent__icontains=word) | Q(first_name__unaccent__icontains=word))
    items = []
    for person in persons.order_by("last_name", "first_name", "pk")[:LOOKUP_LIMIT]:
        details = [
            f"né(e) le {person.birth_date:%d/%m/%Y}" if person.birth_date else "",
            person.job_title,
            person.email,
            person.city,
        ]
        items.append(LookupItem(f"person:{target}:{person.pk}", str(person), " · ".join(filter(None, details))))
    return items


def upload_kinds(draft) -> tuple:
    return plan.UPLOAD_KINDS if draft.kind == RequestKind.PLAN else UPLOAD_KINDS


def documents_context(draft, upload_errors=None, *, documents=None) -> dict:
    """The documents step's blocks, one per kind offered, with the files attached (`documents`: already loaded)."""
    if documents is None:
        documents = list(draft.documents.all())
    required = REQUIRED_DOCUMENTS.get(draft.kind, [])
    blocks = []
    for kind in upload_kinds(draft):
        blocks.append(
            {
                "kind": kind,
                "label": RequestDocumentKind(kind).label,
                "required": kind in required,
                "documents": [document for document in documents if document.kind == kind],
                "errors": (upload_errors or {}).get(kind, []),
            }
        )
    return {"blocks": blocks, "upload_errors": upload_errors or {}}


def remove_document(request, draft, action: str) -> None:
    """ "Retirer" (action "remove-document:<pk>") on the documents step: a document of this draft only."""
    pk = action.partition(":")[2]
    document = get_object_or_404(RequestDocument, pk=pk if pk.isdecimal() else 0, request=draft)
    services.remove_document(document)
    messages.success(request, f"Le document « {document.name} » a été retiré.")


def transmit(request, draft, render_errors):
    """ "Transmettre": the confirmation page once transmitted, or `render_errors(messages)`, the step again with what
    prevents it. A second click that reaches this point while the first one runs waits for it and gets the same
    dossier (submit_request is idempotent); one that comes after it is led to the confirmation by draft_view."""
    try:
        submit_request(draft, user=request.user)
    except ValidationError as error:
        return render_errors(error.messages)
    return redirect("egestion:request_submitted", public_id=draft.public_id)


def handle_documents(request, draft) -> dict:
    """Attach every file chosen on the documents step; the errors per kind (a refused file changes nothing)."""
    errors = {}
    for kind in upload_kinds(draft):
        uploaded = request.FILES.get(f"document_{kind}")
        if uploaded is None:
            continue
        try:
            services.attach_document(draft, kind=kind, uploaded_file=uploaded, user=request.user)
        except ValidationError as error:
            errors[kind] = error.messages
        else:
            messages.success(request, f"Le document « {uploaded.name} » est chargé.")
    return errors


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def pdf_filename(funding_request) -> str:
    if funding_request.kind == RequestKind.PLAN:
        number = funding_request.dossier.request_number if funding_request.dossier_id else "brouillon"
        return f"demande-prise-en-charge-plan-{number}.pdf"
    name = apprentice_name(funding_request.data).replace(" ", "-") or "brouillon"
    return f"cerfa-contrat-apprentissage-{name}.pdf"


def request_pdf_content(funding_request, dossier=None) -> bytes:
    """The CERFA filled from the request, or the summary of a plan request."""
    if funding_request.kind == RequestKind.PLAN:
        content = plan.load_plan(funding_request)
        return render_plan_pdf(funding_request, content, plan.estimate_plan(funding_request, content), dossier=dossier)
    return render_cerfa_pdf(funding_request.data, establishment=funding_request.employer_establishment, dossier=dossier)


@draft_view
def request_pdf(request, draft):
    """The CERFA filled from the draft, to be printed and signed (a plan request: its summary)."""
    return pdf_response(request_pdf_content(draft), pdf_filename(draft))


@draft_view
def request_document(request, draft, pk):
    return document_response(get_object_or_404(RequestDocument, pk=pk, request=draft))


def submitted_request(request, public_id):
    return get_object_or_404(
        user_requests(request).filter(status=RequestStatus.SUBMITTED).select_related("dossier"), public_id=public_id
    )


@egestion_required
def request_submitted(request, public_id):
    """The confirmation of a transmitted request: its dossier and request numbers."""
    funding_request = submitted_request(request, public_id)
    context = {
        "funding_request": funding_request,
        "dossier": funding_request.dossier,
        "apprentice": apprentice_name(funding_request.data),
        "active_menu": "requests",
    }
    if funding_request.kind == RequestKind.PLAN:
        context["apprentice"] = ""
        context["plan_content"] = plan.load_plan(funding_request)
    return render(request, "egestion/requests/request_submitted.html", context)


@egestion_required
def request_submitted_pdf(request, public_id):
    funding_request = submitted_request(request, public_id)
    return pdf_response(request_pdf_content(funding_request, funding_request.dossier), pdf_filename(funding_request))


@dataclass(frozen=True)
class Group:
    """A fieldset of a step. `condition`: a key of `conditions()` (shown when true); `lookup`: the look-up that
    fills the group (a person target, "cfa", "diplome", "rncp")."""

    key: str
    title: str
    fields: tuple[str, ...]
    condition: str = ""
    lookups: tuple[str, ...] = ()
    intro: str = ""
    optional_block: bool = False


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    groups: tuple[Group, ...] = ()
    intro: str = ""

    @property
    def field_ids(self) -> list[str]:
        return [field_id for group in self.groups for field_id in group.fields]


class PersonForm(ErrorSummaryMixin, forms.ModelForm):
    """ "+": a new person of the company, chosen at once for the draft."""

    class Meta:
        model = Person
        fields = Person.PERSONAL_FIELDS
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "email": forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "nir": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }
        labels = {"address_line1": "Adresse (n° et voie)", "email": "Courriel", "city": "Commune"}
        help_texts = {"phone": "Ex. : 06 12 34 56 78."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["civility"].choices = [("", "Choisir…"), *Civility.choices]

    def clean_nir(self):
        return re.sub(r"\s", "", self.cleaned_data.get("nir") or "").upper()[:13]
