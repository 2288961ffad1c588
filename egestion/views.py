from allauth.account.views import LoginView
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.access import portal_member_required
from accounts.models import Portal
from messaging.models import Message

egestion_required = portal_member_required(Portal.EGESTION)


class EgestionLoginView(LoginView):
    template_name = "egestion/login.html"
    success_url = reverse_lazy("egestion:home")


@egestion_required
def home(request):
    unread_messages = Message.objects.for_company_user(request.user).unread_by(request.user).count()
    return render(request, "egestion/home.html", {"unread_messages": unread_messages})
