"""Registries edited in the admin by the groups allowed to, and the history of changes readable in the admin."""

from django.urls import reverse

from backoffice import instruction
from tests.factories import DossierFactory, EstablishmentFactory


def test_bank_details_are_not_edited_on_the_establishment_page(staff_client, case_manager, accountant):
    establishment = EstablishmentFactory(with_bank_details=True)
    url = reverse("admin:accounts_establishment_change", args=[establishment.pk])

    for user in (case_manager, accountant):  # read-only for them: new bank details go through a validated request
        assert staff_client(user).get(url).status_code == 200
        assert staff_client(user).post(url, {"iban": "FR7630006000011234567890189"}).status_code == 403
    assert establishment.iban in staff_client(accountant).get(url).text  # in full for accounting only
    assert establishment.iban not in staff_client(case_manager).get(url).text


def test_the_history_shows_who_changed_what_and_when(staff_client, case_manager):
    dossier = DossierFactory(submitted=True, number="9938880001.01")
    instruction.mark_received(dossier, case_manager)

    response = staff_client(case_manager).get(reverse("admin:admin_logentry_changelist"), {"q": "9938880001"})

    assert response.status_code == 200
    assert "État : Transmis → Reçu" in response.text
    assert case_manager.email in response.text or str(case_manager) in response.text
    object_history = staff_client(case_manager).get(reverse("admin:dossiers_dossier_history", args=[dossier.pk]))
    assert "État : Transmis → Reçu" in object_history.text
