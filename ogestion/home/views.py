"""oGestion's home page and its login page."""

from allauth.account.views import LoginView
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone

from accounts.login_limits import LoginLimitMixin
from accounts.models import Portal
from content.home import home_content
from deadlines.selectors import home_panel_for_provider_user
from invoicing.money import referent_money_view
from ogestion.access import ogestion_required


class OgestionLoginView(LoginLimitMixin, LoginView):
    template_name = "ogestion/login.html"
    success_url = reverse_lazy("ogestion:home")


@ogestion_required
def home(request):
    establishments = [m.establishment for m in request.memberships]
    missing_iban = [establishment for establishment in establishments if not establishment.iban]
    return render(
        request,
        "ogestion/home.html",
        {
            "establishments_missing_iban": missing_iban,
            # Mon tableau de bord financier: the référents' (their establishments' invoices and payments).
            "money": referent_money_view(request.user, request.memberships, timezone.localdate()),
            "home_content": home_content(Portal.OGESTION),
            "upcoming": home_panel_for_provider_user(request.user, request.establishment_ids, timezone.localdate()),
        },
    )
