"""The regions of a regional manager, set by an administrator on their Constructys profile, narrow what they see."""

from django.urls import reverse

from accounts.models import Establishment, Region
from backoffice.models import StaffProfile
from backoffice.roles import REGIONAL_MANAGER
from tests.factories import DossierFactory, staff_user


def test_an_administrator_gives_a_regional_manager_their_regions(staff_client, administrator):
    manager = staff_user(REGIONAL_MANAGER)
    dossier = DossierFactory()
    Establishment.objects.filter(pk=dossier.employer_establishment_id).update(region=Region.BRE)

    response = staff_client(administrator).post(
        reverse("admin:backoffice_staffprofile_add"), {"user": manager.pk, "regions": [Region.BRE, Region.PDL]}
    )

    assert response.status_code == 302
    assert StaffProfile.objects.get(user=manager).regions == [Region.BRE, Region.PDL]
    listing = staff_client(manager).get(reverse("admin:dossiers_dossier_changelist"))
    assert list(listing.context["cl"].result_list) == [dossier]
    assert (
        "Bretagne, Pays de la Loire"
        in staff_client(administrator).get(reverse("admin:backoffice_staffprofile_changelist")).text
    )
