"""Registries edited in the admin by the groups allowed to, and the history of changes readable in the admin."""

from django.urls import reverse

from backoffice import instruction
from tests.factories import DossierFactory, EstablishmentFactory


def test_bank_details_are_typed_by_nobody_in_the_establishment_admin(staff_client, case_manager, accountant):
    establishment = EstablishmentFactory()
    url = reverse("admin:accounts_establishment_change", args=[establishment.pk])

    assert staff_client(case_manager).get(url).status_code == 200  # read-only for them
    form = staff_client(case_manager).get(url).context["adminform"].form
    assert not hasattr(form, "fields") or "iban" not in getattr(form, "fields", {})
    assert staff_client(case_manager).post(url, {"iban": "FR7630006000011234567890189"}).status_code == 403
    # Accounting neither: bank details change through a validated request (tests/security/test_bank_details.py).
    assert "iban" not in staff_client(accountant).get(url).context["adminform"].form.fields


def test_the_history_shows_who_changed_what_and_when(staff_client, case_manager):
    dossier = DossierFactory(submitted=True, number="9938880001.01")
    instruction.mark_received(dossier, case_manager)

    response = staff_client(case_manager).get(reverse("admin:admin_logentry_changelist"), {"q": "9938880001"})

    assert response.status_code == 200
    assert "État : Transmis → Reçu" in response.text
    assert case_manager.email in response.text or str(case_manager) in response.text
    object_history = staff_client(case_manager).get(reverse("admin:dossiers_dossier_history", args=[dossier.pk]))
    assert "État : Transmis → Reçu" in object_history.text
