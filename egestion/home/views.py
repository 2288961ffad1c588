"""eGestion's home page, its login page and the header's entity switcher."""

from allauth.account.views import LoginView
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import set_current_entity
from accounts.login_limits import LoginLimitMixin
from accounts.models import Portal
from common.redirects import safe_path
from content.home import home_content
from content.models import advisors_for_establishments
from deadlines.selectors import home_panel_for_company_user
from egestion.access import egestion_required
from funding.deadlines import draft_transmission_deadlines
from messaging.selectors import company_unread_count


class EgestionLoginView(LoginLimitMixin, LoginView):
    template_name = "egestion/login.html"
    success_url = reverse_lazy("egestion:home")


@egestion_required
def home(request):
    unread_messages = company_unread_count(request.user, request.establishment_ids)
    return render(
        request,
        "egestion/home.html",
        {
            "unread_messages": unread_messages,
            "home_content": home_content(Portal.EGESTION),
            "advisors": advisors_for_establishments(request.establishment_ids),
            "drafts_due": draft_transmission_deadlines(request.user, request.establishment_ids, timezone.localdate()),
            "upcoming": home_panel_for_company_user(request.user, request.establishment_ids, timezone.localdate()),
        },
    )


@egestion_required
@require_POST
def choose_entity(request):
    """The header's switcher: look at one of the user's establishments, or at all of them ("")."""
    value = request.POST.get("etablissement", "")
    if value:
        chosen = next((m.establishment for m in request.all_memberships if str(m.establishment_id) == value), None)
        if chosen is None:
            raise Http404
        set_current_entity(request, Portal.EGESTION, chosen.pk)
        messages.success(request, f"Vous consultez désormais les données de {chosen.name} (SIRET {chosen.siret}).")
    else:
        set_current_entity(request, Portal.EGESTION, None)
        messages.success(request, "Vous consultez désormais les données de toutes vos entités.")
    next_url = safe_path(request, request.POST.get("next", ""), reverse("egestion:home"))
    users_url = reverse("egestion:users")
    if next_url.startswith(users_url) and next_url != users_url:
        # A user's page may belong to the company that is no longer shown.
        next_url = users_url
    return redirect(next_url)
