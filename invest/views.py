"""Digit Invest CFA: login with the oGestion account, the Digit Invest terms, the campaign and the CFA's
investment requests (drafts, lines, quotes, transmission, decision).

Scoping: every request comes from InvestmentRequest.objects.for_cfa_user (the user's active memberships on CFA
establishments); anything else answers 404. Business rules live in invest.services.
"""

from allauth.account.views import LoginView
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.login_limits import LoginLimitMixin
from accounts.models import Establishment
from common.downloads import document_response
from common.redirects import next_path
from invest import services
from invest.access import cfa_access, invest_required, remember_terms
from invest.forms import QuoteForm, RequestForm, line_formset
from invest.models import InvestmentRequest, Quote, TermsVersion

PAGE_SIZE = 20


class InvestLoginView(LoginLimitMixin, LoginView):
    """allauth's login (same accounts and passwords as oGestion, same rate limits, messages that reveal nothing)."""

    template_name = "invest/login.html"
    success_url = reverse_lazy("invest:home")


def _my_requests(request):
    return InvestmentRequest.objects.for_cfa_user(request.user, request.establishment_ids)


def _get_request(request, pk) -> InvestmentRequest:
    found = (
        _my_requests(request)
        .select_related("campaign", "establishment", "category", "created_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("Aucune demande ne correspond à cette adresse.")
    return found


# --- Home: the campaign and the CFA's requests ---------------------------------------------------------------


@invest_required
@require_GET
def home(request):
    campaign = services.current_campaign()
    page = Paginator(services.request_pages(request.user, request.establishment_ids), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "invest/home.html",
        {"campaign": campaign, "campaign_open": bool(campaign and campaign.is_open()), "page": page},
    )


# --- Terms -----------------------------------------------------------------------------------------------------


def _safe_next(request) -> str:
    return next_path(request)


@cfa_access
@never_cache
@require_http_methods(["GET", "POST"])
def terms(request):
    """The Digit Invest terms in force; at first access (and after a new version) "J'ai lu et j'accepte"."""
    version = TermsVersion.objects.current()
    pending = services.terms_to_accept(request.user)
    next_url = _safe_next(request)
    if request.method == "POST" and pending is not None:
        if str(pending.pk) == request.POST.get("version"):
            services.accept_terms(request.user, pending)
            remember_terms(request, pending)
            return redirect(next_url or "invest:home")
        messages.info(request, "Une nouvelle version des conditions a été publiée : prenez-en connaissance.")
    return render(request, "invest/terms.html", {"version": version, "pending": pending, "next_url": next_url})


# --- Requests --------------------------------------------------------------------------------------------------


def _establishments(request):
    return Establishment.objects.filter(pk__in=request.establishment_ids).order_by("name", "siret")


@invest_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    campaign = services.current_campaign()
    if campaign is None or not campaign.is_open():
        messages.error(request, "Aucune campagne n'est ouverte : vous ne pouvez pas créer de demande.")
        return redirect("invest:home")
    draft = InvestmentRequest(campaign=campaign)
    form = RequestForm(request.POST or None, establishments=_establishments(request), campaign=campaign, instance=draft)
    lines = line_formset(draft, request.POST or None)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "establishment"}
        try:
            created = services.create_draft(
                campaign=campaign,
                establishment=form.cleaned_data["establishment"],
                user=request.user,
                fields=fields,
                line_formset=lines,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Votre demande est enregistrée en brouillon. Joignez vos devis puis transmettez-la."
            )
            return redirect("invest:request", created.pk)
    return render(request, "invest/request_form.html", {"form": form, "lines": lines, "campaign": campaign})


@invest_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    investment = _get_request(request, pk)
    context = {"investment": investment, "campaign": investment.campaign, "editable": investment.is_editable()}
    if context["editable"]:
        form = RequestForm(
            request.POST or None,
            establishments=_establishments(request),
            campaign=investment.campaign,
            instance=investment,
        )
        lines = line_formset(investment, request.POST or None)
        if request.method == "POST" and form.is_valid() and lines.is_valid():
            try:
                services.save_draft(investment, form, lines)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Brouillon enregistré.")
                return redirect("invest:request", investment.pk)
        context.update(form=form, lines=lines, problems=services.submission_problems(investment))
    elif request.method == "POST":
        try:
            services.check_editable(investment)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("invest:request", investment.pk)
    context["line_list"] = list(investment.lines.all())
    context["pieces"], context["other_quotes"] = services.required_documents(investment)
    return render(request, "invest/request_detail.html", context)


def _post_and_back(action):
    """A POST on one of the user's requests that calls a service; its ValidationError becomes a message."""

    def view(request, pk, **kwargs):
        investment = _get_request(request, pk)
        try:
            done = action(request, investment, **kwargs)
        except ValidationError as error:
            for message in error.messages:  # a dict of errors included
                messages.error(request, message)
            return redirect("invest:request", investment.pk)
        messages.success(request, done)
        return redirect("invest:home") if investment.pk is None else redirect("invest:request", investment.pk)

    view.__name__ = action.__name__
    return invest_required(require_POST(view))


@_post_and_back
def quote_upload(request, investment):
    form = QuoteForm(request.POST, request.FILES)
    document = (request.POST.get("document") or "").strip()
    if not form.is_valid():
        raise ValidationError(f"Choisissez le fichier à joindre{f' pour « {document} »' if document else ''}.")
    quote = services.attach_quote(
        investment, uploaded_file=form.cleaned_data["file"], user=request.user, document=form.cleaned_data["document"]
    )
    if quote.document:
        return f"« {quote.name} » joint à la demande comme « {quote.document} »."
    return f"« {quote.name} » joint à la demande."


@_post_and_back
def quote_delete(request, investment, quote_pk):
    quote = investment.quotes.filter(pk=quote_pk).first()
    if quote is None:
        raise Http404
    services.remove_quote(quote)
    return f"« {quote.name} » retiré de la demande."


@_post_and_back
def request_submit(request, investment):
    services.submit_request(investment, request.user)
    return "Votre demande est transmise à Constructys. Un e-mail de confirmation vous a été envoyé."


@_post_and_back
def request_delete(request, investment):
    services.delete_draft(investment)
    return "Le brouillon est supprimé."


@invest_required
@require_GET
def quote_download(request, pk, quote_pk):
    quote = Quote.objects.filter(pk=quote_pk, request__in=_my_requests(request).filter(pk=pk)).first()
    if quote is None:
        raise Http404("Aucun document ne correspond à cette adresse.")
    return document_response(quote)
