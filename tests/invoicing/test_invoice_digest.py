"""Accounting's decisions on an invoice reach the provider twice: the email to the depositor at once, and the
twice-weekly digest of every user of the establishment that trains the dossier, exactly once."""

import datetime

import time_machine
from django.core import mail

from accounts.models import Role
from digests import services as digests
from digests.models import Digest
from invoicing import services
from tests.digests.conftest import MONDAY, NEXT_THURSDAY, SATURDAY
from tests.factories import MembershipFactory, UserFactory
from tests.invoicing.helpers import TODAY, advance, apprenticeship, pdf


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return digests.send_period()


def test_validation_and_rejection_appear_once_in_the_digest_of_the_providers_users(
    cfa_user, accountant, django_capture_on_commit_callbacks
):
    establishment = cfa_user.memberships.get().establishment
    colleague = MembershipFactory(
        role=Role.PROVIDER_USER, establishment=establishment, user=UserFactory(email="compta@cfa.fr")
    ).user
    validated_dossier, rejected_dossier = apprenticeship(cfa_user), apprenticeship(cfa_user)
    company_user = MembershipFactory(
        role=Role.COMPANY_MANAGER, establishment=validated_dossier.employer_establishment
    ).user
    other_provider = MembershipFactory(role=Role.PROVIDER_REFERENT).user
    apprenticeship(other_provider)  # a CFA with its own dossier: not told of this one's invoices
    validated = services.deposit_invoice(cfa_user, validated_dossier, advance(dossier=validated_dossier), pdf())
    rejected = services.deposit_invoice(
        cfa_user, rejected_dossier, advance("F-2026-002", dossier=rejected_dossier), pdf()
    )
    with time_machine.travel(SATURDAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.validate_invoice(validated, accountant)
        services.reject_invoice(rejected, accountant, "RIB absent de la facture")
    # The depositor's emails, at once.
    assert [m.subject for m in emails_to(cfa_user.email)] and len(emails_to(cfa_user.email)) == 2
    assert "http" in emails_to(cfa_user.email)[0].body  # an absolute link to FACTURATION
    mail.outbox.clear()

    run_at(MONDAY + datetime.timedelta(minutes=5))

    expected_payment = f"{TODAY + datetime.timedelta(days=30):%d/%m/%Y}"
    for user in (cfa_user, colleague):
        [email] = emails_to(user.email)
        assert f"Facture n° F-2026-001 : Validée — paiement prévu le {expected_payment}" in email.body
        assert "Facture n° F-2026-002 : Rejetée : RIB absent de la facture" in email.body
        assert f"Dossier n° {validated_dossier.number}" in email.body
        html = email.alternatives[0][0]
        assert "Facture n° F-2026-002 : Rejetée : RIB absent de la facture" in html
        assert Digest.objects.get(user=user, period=MONDAY).dossiers_count == 2
    assert emails_to(company_user.email) == []  # the company is not told of the CFA's invoices
    assert emails_to(other_provider.email) == []

    mail.outbox.clear()
    run_at(MONDAY + datetime.timedelta(minutes=30))  # the same period again: nothing sent twice
    assert mail.outbox == []
    run_at(NEXT_THURSDAY + datetime.timedelta(minutes=1))  # the next period: already told
    assert all("Facture n°" not in message.body for message in mail.outbox)


def test_an_invoice_only_deposited_is_not_news(cfa_user):
    dossier = apprenticeship(cfa_user)
    with time_machine.travel(SATURDAY, tick=False):
        services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf(), today=TODAY)
    run_at(MONDAY + datetime.timedelta(minutes=5))
    assert all("Facture n°" not in message.body for message in emails_to(cfa_user.email))
