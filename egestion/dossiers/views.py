"""Suivre les dossiers de formation, the dossier page and its tabs, messages and documents, the Messagerie.

Scoping: every dossier is looked up through Dossier.objects.for_company_user (narrowed to the establishments of the
header's switcher; finished dossiers for 6 years only); documents through Document.objects.for_company_user;
anything else answers 404.

Read receipts: opening a message (GET of its page) records that the user read it. It is the one GET that writes,
on purpose: "opening one marks it read" is the behaviour users expect from a mailbox, the write is idempotent
(ON CONFLICT DO NOTHING) and touches only the user's own read state, and the link then works without JavaScript.
"Marquer comme non lu" and sending are POSTs.
"""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.downloads import document_response
from common.forms import text_problem
from common.uploads import check_uploads
from deadlines import selectors as deadline_selectors
from dossiers import exports, selectors
from dossiers.models import Document, DocumentDirection, DocumentKind
from egestion.access import egestion_required
from funding.contracts import contract_state
from invoicing import selectors as invoicing_selectors
from messaging import selectors as messaging_selectors
from messaging import services
from payments import selectors as payment_selectors

TABS = {
    "inscriptions": "Inscription(s)",
    "reglements": "Règlement(s)",
    "documents-emis": "Document(s) émis",
    "documents-recus": "Document(s) reçus",
    "messages": "Message(s)",
    "echeances": "Échéances",
}
DEFAULT_TAB = "inscriptions"
MAX_FILES = 5


def _establishments(request):
    return [m.establishment for m in request.memberships]


def _dossier_or_404(request, number, find=selectors.company_dossier):
    dossier = find(request.user, request.establishment_ids, number)
    if dossier is None:
        raise Http404("Aucun dossier ne correspond à ce numéro.")
    return dossier


# --- the list -----------------------------------------------------------------------------------------------------


@egestion_required
@require_GET
def dossier_list(request):
    listing = selectors.company_dossier_list(
        request.user, request.establishment_ids, _establishments(request), request.GET
    )
    page = Paginator(listing.pages, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"listing": listing, "page": page, "tabs": selectors.COMPANY_TABS, "columns": COLUMNS}
    if request.htmx and request.htmx.target == "dossier-results":
        return render(request, "egestion/dossiers/results.html", context)
    return render(request, "egestion/dossiers/list.html", context)


COLUMNS = [
    ("numero", "N° de dossier"),
    ("demande", "N° de demande"),
    ("dispositif", "Dispo formation"),
    ("siret", "SIRET"),
    ("cp", "CP"),
    ("ville", "Ville"),
    ("du", "Du"),
    ("au", "Au"),
    ("etat", "État"),
    ("organisme", "Organisme de formation"),
]


@egestion_required
@require_GET
def dossier_export(request, fmt):
    listing = selectors.company_dossier_list(
        request.user, request.establishment_ids, _establishments(request), request.GET
    )
    return exports.company_dossiers_response(listing.queryset, fmt)


# --- one dossier and its tabs -------------------------------------------------------------------------------------


def _tab_context(request, dossier, tab):
    if tab == "inscriptions":
        return {"enrolments": selectors.dossier_enrolments(dossier)}
    if tab == "reglements":
        return {
            "payment_lines": payment_selectors.dossier_payment_lines(dossier),
            # An apprenticeship contract: what Constructys paid the CFA per instalment, the participation owed.
            "apprenticeship_funding": invoicing_selectors.company_funding(dossier),
        }
    if tab in ("documents-emis", "documents-recus"):
        direction = DocumentDirection.ISSUED if tab == "documents-emis" else DocumentDirection.RECEIVED
        return {
            "documents": selectors.company_dossier_documents(
                request.user, request.establishment_ids, dossier, direction
            )
        }
    if tab == "echeances":
        return {
            "timeline": deadline_selectors.timeline(
                deadline_selectors.for_dossier(dossier, "company"), timezone.localdate()
            )
        }
    return {"thread": messaging_selectors.dossier_thread_rows(dossier, request.user)}


def _render_dossier(request, dossier, tab, status=200, **extra):
    context = {
        "dossier": dossier,
        "tab": tab,
        "tabs": TABS,
        # Read with the dossier on its page (company_dossier_with_unread), else counted.
        "unread": dossier.unread
        if hasattr(dossier, "unread")
        else messaging_selectors.unread_count(dossier, request.user),
        "contract": contract_state(dossier),
        **_tab_context(request, dossier, tab),
        **extra,
    }
    template = "egestion/dossiers/detail.html"
    if request.htmx and request.htmx.target == "dossier-tabs":
        template = "egestion/dossiers/tabs.html"
    return render(request, template, context, status=status)


@egestion_required
@require_GET
def dossier_detail(request, number, tab=DEFAULT_TAB):
    if tab not in TABS:
        raise Http404
    dossier = _dossier_or_404(request, number, messaging_selectors.company_dossier_with_unread)
    return _render_dossier(request, dossier, tab)


@egestion_required
@require_GET
def document_download(request, number, pk):
    document = (
        Document.objects.for_company_user(request.user, request.establishment_ids)
        .filter(pk=pk, dossier__number=number)
        .first()
    )
    if document is None:
        raise Http404("Aucun document ne correspond à cette adresse.")
    return document_response(document)


@egestion_required
@require_POST
def document_upload(request, number):
    """The company adds a received document (a missing piece, for example) to the dossier."""
    dossier = _dossier_or_404(request, number)
    files = request.FILES.getlist("fichier")
    error = None
    if not files:
        error = "Choisissez un fichier à ajouter (PDF, JPEG ou PNG)."
    else:
        try:
            checked = check_uploads(files, max_files=MAX_FILES)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if error:
        return _render_dossier(request, dossier, "documents-recus", status=400, upload_error=error)
    with transaction.atomic():
        for upload in checked:
            Document.objects.create(
                dossier=dossier,
                direction=DocumentDirection.RECEIVED,
                kind=DocumentKind.OTHER,
                uploaded_by=request.user,
                **upload.stored_fields(),
            )
    flash.success(
        request,
        "Votre document a été ajouté au dossier." if len(checked) == 1 else "Vos documents ont été ajoutés au dossier.",
    )
    return redirect("egestion:dossier_tab", number=dossier.number, tab="documents-recus")


# --- messages -----------------------------------------------------------------------------------------------------


def _message_or_404(request, dossier, pk):
    message = messaging_selectors.dossier_message(dossier, request.user, pk)
    if message is None:
        raise Http404("Aucun message ne correspond à cette adresse.")
    return message


@egestion_required
@require_GET
def message_detail(request, number, pk):
    """Opening a message marks it read for this user (the documented read receipt of the module's docstring)."""
    dossier = _dossier_or_404(request, number)
    message = _message_or_404(request, dossier, pk)
    if not message.is_read:
        services.mark_read(message, request.user)
    return render(request, "egestion/dossiers/message.html", {"dossier": dossier, "message": message})


@egestion_required
@require_POST
def message_unread(request, number, pk):
    dossier = _dossier_or_404(request, number)
    message = _message_or_404(request, dossier, pk)
    services.mark_unread(message, request.user)
    flash.success(request, f"Le message « {message.title} » est de nouveau marqué comme non lu.")
    return redirect("egestion:dossier_tab", number=dossier.number, tab="messages")


@egestion_required
@require_http_methods(["GET", "POST"])
def message_new(request, number):
    """ "+": Titre, Contenu and optional files; VALIDER sends the message to the case manager."""
    dossier = _dossier_or_404(request, number)
    errors, values = {}, {"titre": "", "contenu": ""}
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in values}
        if not values["titre"]:
            errors["titre"] = "Indiquez le titre de votre message."
        elif len(values["titre"]) > 200:
            errors["titre"] = "Le titre ne doit pas dépasser 200 caractères."
        elif (problem := text_problem(values["titre"])) is not None:
            errors["titre"] = problem.message
        if not values["contenu"]:
            errors["contenu"] = "Écrivez votre message."
        elif (problem := text_problem(values["contenu"], multiline=True)) is not None:
            errors["contenu"] = problem.message
        checked = []
        try:
            checked = check_uploads(request.FILES.getlist("fichiers"), max_files=MAX_FILES)
        except ValidationError as exc:
            errors["fichiers"] = " ".join(exc.messages)
        if not errors:
            services.send_company_message(dossier, request.user, values["titre"], values["contenu"], files=checked)
            flash.success(request, "Votre message a été envoyé à votre gestionnaire.")
            return redirect("egestion:dossier_tab", number=dossier.number, tab="messages")
    return render(
        request,
        "egestion/dossiers/message_new.html",
        {"dossier": dossier, "errors": errors, "values": values, "max_files": MAX_FILES},
        status=400 if errors else 200,
    )


# --- Messagerie: the messages of all the user's dossiers -----------------------------------------------------------


@egestion_required
@require_GET
def messages_list(request):
    unread_only = request.GET.get("filtre") == "non-lus"
    thread = messaging_selectors.company_inbox(request.user, request.establishment_ids, unread_only)
    page = Paginator(thread, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "egestion/dossiers/messages.html",
        {"page": page, "unread_only": unread_only, "reply_url": reverse("egestion:messages")},
    )
