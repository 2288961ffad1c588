"""Answering a dossier's thread from the admin, unread company messages standing out, and the staff roles."""

import io

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from backoffice.roles import ACCOUNTING, ADMINISTRATOR, CASE_MANAGER, REGIONAL_MANAGER
from messaging.models import Message, SenderSide
from tests.factories import DossierFactory, MembershipFactory, MessageFactory


def test_a_case_manager_answers_and_the_company_sees_the_answer(staff_client, case_manager):
    company_user = MembershipFactory(role=Role.COMPANY_MANAGER).user
    dossier = DossierFactory(employer_establishment=company_user.memberships.get().establishment)
    question = MessageFactory(dossier=dossier, sender_side=SenderSide.COMPANY, title="Date de début")
    client = staff_client(case_manager)

    listing = client.get(reverse("admin:messaging_message_changelist"), {"lecture": "non-lus"})
    assert '<strong class="unread">Date de début</strong>' in listing.text
    form = client.get(reverse("admin:messaging_message_add"), {"dossier": dossier.pk, "title": "RE : Date de début"})
    assert "RE : Date de début" in form.text
    response = client.post(
        reverse("admin:messaging_message_add"),
        {"dossier": dossier.pk, "title": "RE : Date de début", "body": "La date est confirmée."},
    )

    assert response.status_code == 302
    answer = Message.objects.for_company_user(company_user).exclude(pk=question.pk).get()
    assert (answer.sender_side, answer.author, answer.body) == (
        SenderSide.CONSTRUCTYS,
        case_manager,
        "La date est confirmée.",
    )


def test_accounting_cannot_answer(staff_client, accountant):
    dossier = DossierFactory()

    response = staff_client(accountant).post(
        reverse("admin:messaging_message_add"), {"dossier": dossier.pk, "title": "RE", "body": "Bonjour"}
    )

    assert response.status_code == 403
    assert not Message.objects.exists()


def test_a_fresh_database_has_the_four_roles():
    call_command("setup_roles", stdout=io.StringIO())  # idempotent
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions__content_type")}

    def codes(name):
        return {f"{p.content_type.app_label}.{p.codename}" for p in groups[name].permissions.all()}

    assert {CASE_MANAGER, REGIONAL_MANAGER, ACCOUNTING, ADMINISTRATOR} <= set(groups)
    assert "dossiers.instruct_dossier" in codes(CASE_MANAGER) and "dossiers.close_dossier" not in codes(CASE_MANAGER)
    assert "payments.add_payment" in codes(ACCOUNTING) and "dossiers.instruct_dossier" not in codes(ACCOUNTING)
    assert "content.change_announcement" in codes(REGIONAL_MANAGER)
    assert {"backoffice.add_importrun", "accounts.add_user"} <= codes(ADMINISTRATOR)


def test_a_company_message_puts_the_dossier_in_the_unread_filter_until_a_case_manager_opens_it(
    staff_client, case_manager
):
    from messaging import services

    company_user = MembershipFactory(role=Role.COMPANY_MANAGER).user
    dossier = DossierFactory(employer_establishment=company_user.memberships.get().establishment)
    message = services.send_company_message(dossier, company_user, "Convention", "Voici la convention.")
    client = staff_client(case_manager)
    url = reverse("admin:dossiers_dossier_changelist")

    assert list(client.get(url, {"messages": "non-lus"}).context["cl"].result_list) == [dossier]
    client.get(reverse("admin:messaging_message_change", args=[message.pk]))
    assert list(client.get(url, {"messages": "non-lus"}).context["cl"].result_list) == []
