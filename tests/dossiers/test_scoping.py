from accounts.models import Membership, Role
from dossiers.models import Document, Dossier, DossierStatus
from messaging.models import Message, SenderSide
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    MessageReadFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)


def test_company_user_sees_only_the_dossiers_of_their_establishments():
    mine, colleague_site, elsewhere = EstablishmentFactory(), EstablishmentFactory(), EstablishmentFactory()
    user = UserFactory()
    MembershipFactory(user=user, establishment=mine, role=Role.COMPANY_USER)
    visible = DossierFactory(employer_establishment=mine)
    DossierFactory(employer_establishment=colleague_site)
    DossierFactory(employer_establishment=elsewhere)

    assert list(Dossier.objects.for_company_user(user)) == [visible]


def test_provider_user_sees_the_dossiers_their_establishments_train():
    provider_site = ProviderEstablishmentFactory()
    user = UserFactory()
    MembershipFactory(user=user, establishment=provider_site, role=Role.PROVIDER_USER)
    trained_here = DossierFactory(provider_establishment=provider_site)
    DossierFactory(provider_establishment=ProviderEstablishmentFactory())

    assert list(Dossier.objects.for_provider_user(user)) == [trained_here]
    # A provider membership gives no company view, even of the same establishment.
    assert not Dossier.objects.for_company_user(user).exists()


def test_deactivated_membership_or_user_sees_nothing():
    establishment = EstablishmentFactory()
    user = UserFactory()
    membership = MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    DossierFactory(employer_establishment=establishment)
    assert Dossier.objects.for_company_user(user).count() == 1

    Membership.include_inactive.filter(pk=membership.pk).update(is_active=False)
    assert Dossier.objects.for_company_user(user).count() == 0

    Membership.include_inactive.filter(pk=membership.pk).update(is_active=True)
    user.is_active = False
    user.save()
    assert Dossier.objects.for_company_user(user).count() == 0


def test_narrowed_to_one_establishment_the_scope_still_checks_the_membership():
    """One establishment named is read by its id with the membership checked once (dossiers.models.attached_scope):
    the same rules as the list of them."""
    company_site, provider_site = EstablishmentFactory(), ProviderEstablishmentFactory()
    user = UserFactory()
    employed = MembershipFactory(user=user, establishment=company_site, role=Role.COMPANY_USER)
    trained = MembershipFactory(user=user, establishment=provider_site, role=Role.PROVIDER_USER)
    dossier = DossierFactory(employer_establishment=company_site, provider_establishment=provider_site)
    assert list(Dossier.objects.for_company_user(user, [company_site.pk])) == [dossier]
    assert list(Dossier.objects.for_provider_user(user, [provider_site.pk])) == [dossier]
    # Each portal's role only: the provider membership does not open the company side, nor the reverse.
    DossierFactory(employer_establishment=provider_site, provider_establishment=company_site)
    assert not Dossier.objects.for_company_user(user, [provider_site.pk]).exists()
    assert not Dossier.objects.for_provider_user(user, [company_site.pk]).exists()
    assert not Message.objects.for_company_user(user, [provider_site.pk]).exists()

    Membership.include_inactive.filter(pk__in=[employed.pk, trained.pk]).update(is_active=False)
    assert not Dossier.objects.for_company_user(user, [company_site.pk]).exists()
    assert not Dossier.objects.for_provider_user(user, [provider_site.pk]).exists()


def test_open_and_finished_dossiers_split_en_cours_and_historique():
    DossierFactory(status=DossierStatus.ACCEPTED)
    DossierFactory(status=DossierStatus.SUBMITTED)
    DossierFactory(status=DossierStatus.CLOSED)
    DossierFactory(status=DossierStatus.REFUSED)

    assert Dossier.objects.open().count() == 2
    assert Dossier.objects.finished().count() == 2


def test_documents_follow_the_dossier_or_establishment_scope():
    establishment = EstablishmentFactory()
    user = UserFactory()
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_USER)
    on_my_dossier = DocumentFactory(dossier=DossierFactory(employer_establishment=establishment))
    on_my_establishment = DocumentFactory(dossier=None, establishment=establishment)
    DocumentFactory(dossier=DossierFactory())

    assert set(Document.objects.for_company_user(user)) == {on_my_dossier, on_my_establishment}


def test_read_state_is_per_user_and_own_messages_are_never_unread():
    establishment = EstablishmentFactory()
    marie, paul = UserFactory(), UserFactory()
    for user in (marie, paul):
        MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_USER)
    dossier = DossierFactory(employer_establishment=establishment)
    answer = MessageFactory(dossier=dossier, sender_side=SenderSide.CONSTRUCTYS)
    written_by_marie = MessageFactory(dossier=dossier, sender_side=SenderSide.COMPANY, author=marie)
    MessageReadFactory(message=answer, user=marie)

    assert list(Message.objects.for_company_user(marie).unread_by(marie)) == []
    assert set(Message.objects.for_company_user(paul).unread_by(paul)) == {answer, written_by_marie}
    states = {m.pk: m.is_read for m in Message.objects.for_company_user(paul).with_read_state(paul)}
    assert states == {answer.pk: False, written_by_marie.pk: False}
