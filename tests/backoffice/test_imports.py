"""CSV imports of the registries from the admin: idempotent upsert, the rejected lines with their reason, the CERFA
referentials through the existing importer, refused without the permission."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Establishment, Organisation, OrganisationKind
from backoffice.models import ImportRun
from referentials.importers import SAMPLES_DIR
from referentials.models import CollectiveAgreement
from tests.factories import siren_for, siret_for

SIREN_A, SIREN_B = siren_for(91), siren_for(92)

MEMBERS = f"""siren;raison_sociale;numero_adherent;email_contact
{SIREN_A};MACONNERIE DURAND;123456;contact@durand.fr
{SIREN_B};CHARPENTES DU LAC;123457;
123456789;SIREN FAUX;123458;
{SIREN_A};DOUBLON;123456;
"""

ESTABLISHMENTS = f"""siret;raison_sociale;adresse;code_postal;ville;region;iban;bic;siege
{siret_for(SIREN_A, 1)};MACONNERIE DURAND;12 rue des Lilas;44000;Nantes;PDL;;;oui
{siret_for(SIREN_B, 1)};CHARPENTES DU LAC;1 quai Ouest;74000;Annecy;Auvergne-Rhône-Alpes;FR76 1234;;non
{siret_for(siren_for(93), 1)};INCONNUE;;;;;;;
"""


def upload(client, kind, content, name="import.csv", referential=""):
    return client.post(
        reverse("admin:backoffice_importrun_import"),
        {"kind": kind, "referential": referential, "file": SimpleUploadedFile(name, content.encode(), "text/csv")},
        follow=True,
    )


def test_members_then_establishments_import_and_a_second_run_changes_nothing(staff_client, administrator):
    client = staff_client(administrator)

    response = upload(client, "members", MEMBERS)

    run = ImportRun.objects.get()
    assert (run.read, run.created, run.rejected) == (4, 2, 2)
    assert "Ligne 4 : SIREN" in response.text and "Ligne 5 : SIREN" in response.text
    assert Organisation.objects.get(siren=SIREN_A).member_number == "123456"
    assert Organisation.objects.get(siren=SIREN_B).kind == OrganisationKind.COMPANY

    upload(client, "members", MEMBERS)
    again = ImportRun.objects.first()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    response = upload(client, "establishments", ESTABLISHMENTS)
    run = ImportRun.objects.first()
    assert (run.created, run.rejected) == (1, 2)
    durand = Establishment.objects.get(siret=siret_for(SIREN_A, 1))
    assert (durand.city, durand.region, durand.is_head_office) == ("NANTES", "PDL", True)
    assert "IBAN" in response.text  # the bad IBAN line is rejected with its reason
    assert "aucune organisation de SIREN" in response.text


def test_providers_import(staff_client, administrator):
    upload(staff_client(administrator), "providers", f"siren;raison_sociale\n{SIREN_A};CFA DU BTP\n")

    provider = Organisation.objects.get(siren=SIREN_A)
    assert (provider.kind, provider.member_number) == (OrganisationKind.PROVIDER, None)


def test_a_cerfa_referential_goes_through_the_referentials_importer(staff_client, administrator):
    content = (SAMPLES_DIR / "idcc.csv").read_text(encoding="utf-8-sig")

    upload(staff_client(administrator), "referential", content, name="idcc.csv", referential="idcc")

    run = ImportRun.objects.get()
    assert run.created > 0 and CollectiveAgreement.objects.count() == run.created


def test_an_unreadable_file_is_refused(staff_client, administrator):
    response = upload(staff_client(administrator), "members", "colonne;autre\n1;2\n")

    assert "Fichier illisible" in response.text and "siren" in response.text
    assert not ImportRun.objects.exists()


def test_a_case_manager_cannot_import(staff_client, case_manager):
    response = upload(staff_client(case_manager), "members", MEMBERS)

    assert response.status_code == 403
    assert not Organisation.objects.filter(siren=SIREN_A).exists()


def test_a_repeated_siret_and_a_provider_siren_among_members_are_rejected(staff_client, administrator):
    client = staff_client(administrator)
    upload(client, "providers", f"siren;raison_sociale\n{SIREN_B};CFA DU BTP\n")

    response = upload(client, "members", f"siren;raison_sociale;numero_adherent\n{SIREN_B};CFA DU BTP;123457\n")
    assert "déjà enregistré comme organisme" in response.text
    assert Organisation.objects.get(siren=SIREN_B).kind == OrganisationKind.PROVIDER

    siret = siret_for(SIREN_B, 1)
    response = upload(client, "establishments", f"siret;raison_sociale\n{siret};CFA\n{siret};DOUBLON\n")
    run = ImportRun.objects.first()
    assert (run.read, run.created, run.rejected) == (2, 1, 1)
    assert f"Ligne 3 : SIRET {siret} figure déjà ligne 2" in response.text
    assert Establishment.objects.get(siret=siret).name == "CFA"


def test_the_establishments_registry_carries_naf_headcount_and_idcc(staff_client, administrator):
    # What the CERFA FA13 asks of the employer, pre-filled in the apprenticeship wizard from the registry.
    client = staff_client(administrator)
    upload(client, "members", MEMBERS)
    rows = f"""siret;raison_sociale;enseigne;code_naf;effectif;idcc
{siret_for(SIREN_A, 1)};MACONNERIE DURAND;DURAND BÂTIMENT;4399C;27;1597
{siret_for(SIREN_B, 1)};CHARPENTES DU LAC;;43-99;;
"""

    response = upload(client, "establishments", rows)

    durand = Establishment.objects.get(siret=siret_for(SIREN_A, 1))
    assert (durand.naf_code, durand.headcount, durand.idcc) == ("43.99C", 27, "1597")
    assert "code NAF invalide" in response.text
