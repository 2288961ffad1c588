"""Who may declare a rupture or an avenant on the company side: any user attached to the contract's employer
establishment, account manager or not (neither the guide nor docs/ keep it to the account manager: like the dossier's
documents and messages, it is the establishment's), nobody else of the same company; and a second click on "Déclarer
la rupture" gives the first result."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from dossiers.models import DossierStatus
from funding import ruptures
from funding.models import ContractRupture
from tests.factories import EstablishmentFactory, MembershipFactory, minimal_pdf

pytestmark = pytest.mark.django_db

ANSWERS = {"date": "2027-02-14", "motif": "02", "initiative": "commun", "action": "transmettre"}


def signed():
    return SimpleUploadedFile("convention.pdf", minimal_pdf("Convention signée"), content_type="application/pdf")


def test_a_user_restricted_to_another_establishment_of_the_company_cannot_declare(client, contract):
    organisation = contract.employer_establishment.organisation
    other = MembershipFactory(role=Role.COMPANY_MANAGER, establishment=EstablishmentFactory(organisation=organisation))
    client.force_login(other.user)

    rupture_url = reverse("egestion:dossier_rupture", args=[contract.number])
    assert client.get(rupture_url).status_code == 404
    assert client.post(rupture_url, {**ANSWERS, "document": signed()}).status_code == 404
    assert client.get(reverse("egestion:avenant_new", args=[contract.number])).status_code == 404
    with pytest.raises(PermissionDenied):  # the service checks it too, whatever calls it
        ruptures.declare_rupture(
            contract, user=other.user, rupture_date=contract.start_date, reason="02", initiative="commun"
        )
    assert not ContractRupture.objects.exists()
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED


def test_a_user_who_is_not_the_account_manager_declares_for_their_establishment(client, contract):
    colleague = MembershipFactory(role=Role.COMPANY_USER, establishment=contract.employer_establishment).user
    client.force_login(colleague)
    url = reverse("egestion:dossier_rupture", args=[contract.number])

    first = client.post(url, {**ANSWERS, "document": signed()})
    assert first.status_code == 302 and first["Location"] == reverse("egestion:dossier", args=[contract.number])
    # The second click (or a second tab) lands on the dossier too and declares nothing more.
    second = client.post(url, {**ANSWERS, "date": "2027-03-01", "document": signed()})
    assert second.status_code == 302 and second["Location"] == first["Location"]
    rupture = ContractRupture.objects.get()
    assert rupture.declared_by == colleague and str(rupture.rupture_date) == "2027-02-14"
