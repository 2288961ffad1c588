"""On a dossier's page, a case manager enrols a trainee and issues a document on a page of its own
(DossierAdmin.add_line_view): linked from the list it adds to, for who may change the dossier and add the line; a
person enrolled twice, a refused file or a storage outage is explained on the page and nothing is half saved."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Region
from backoffice import dossier_admin
from common.storage import STORAGE_UNAVAILABLE, StorageUnavailable
from dossiers.models import Document, DocumentDirection, DocumentKind, Enrolment
from tests.factories import DossierFactory, EnrolmentFactory, EstablishmentFactory, PersonFactory, minimal_pdf


def add_url(dossier, line):
    return reverse("admin:dossiers_dossier_add_line", args=[dossier.pk, line])


def change_url(dossier):
    return reverse("admin:dossiers_dossier_change", args=[dossier.pk])


def pdf(name="courrier.pdf", text="Courrier"):
    return SimpleUploadedFile(name, minimal_pdf(text), "application/pdf")


@pytest.mark.parametrize(
    ("persona", "may_add"),
    [("case_manager", True), ("regional_manager", True), ("administrator", True), ("accountant", False)],
)
def test_the_lists_link_to_the_pages_for_who_may_add(request, staff_client, persona, may_add):
    dossier = DossierFactory()
    client = staff_client(request.getfixturevalue(persona))

    page = client.get(change_url(dossier)).text

    for line, label in (("stagiaire", "Inscrire un stagiaire"), ("document", "Émettre un document")):
        assert (f'href="{add_url(dossier, line)}" class="addlink">{label}</a>' in page) is may_add
        assert client.get(add_url(dossier, line)).status_code == (200 if may_add else 403)


def test_a_case_manager_enrols_a_trainee(staff_client, case_manager):
    dossier = DossierFactory()
    person = PersonFactory(last_name="Kerbrat", first_name="Yanis")
    client = staff_client(case_manager)
    form_page = client.get(add_url(dossier, "stagiaire"))
    assert 'class="admin-autocomplete"' in form_page.text and 'data-field-name="person"' in form_page.text

    response = client.post(add_url(dossier, "stagiaire"), {"person": person.pk}, follow=True)

    assert response.redirect_chain == [(change_url(dossier), 302)]
    assert Enrolment.objects.filter(dossier=dossier, person=person).exists()
    assert f"KERBRAT Yanis est inscrit sur le dossier {dossier.number}." in response.text
    assert 'id="trainees-group"' in response.text and "KERBRAT Yanis</a>" in response.text
    entry = LogEntry.objects.get(object_id=str(dossier.pk), user=case_manager)
    assert "KERBRAT Yanis" in entry.get_change_message()


def test_a_trainee_is_enrolled_once(staff_client, case_manager):
    dossier = DossierFactory()
    enrolled = EnrolmentFactory(dossier=dossier).person
    client = staff_client(case_manager)

    empty = client.post(add_url(dossier, "stagiaire"), {"person": ""})
    twice = client.post(add_url(dossier, "stagiaire"), {"person": enrolled.pk})

    assert "Choisissez le stagiaire à inscrire." in empty.text
    assert dossier_admin.ALREADY_ENROLLED in twice.text
    assert Enrolment.objects.filter(dossier=dossier).count() == 1


def test_a_double_click_enrols_once_and_explains_the_second(staff_client, case_manager, monkeypatch):
    """Two posts that both pass the check before either is saved: the database's constraint refuses the second,
    which is shown the same message."""
    dossier = DossierFactory()
    person = PersonFactory()
    client = staff_client(case_manager)
    client.post(add_url(dossier, "stagiaire"), {"person": person.pk})
    monkeypatch.setattr(dossier_admin.EnrolmentForm, "clean_person", lambda form: form.cleaned_data["person"])

    second = client.post(add_url(dossier, "stagiaire"), {"person": person.pk})

    assert second.status_code == 200
    assert dossier_admin.ALREADY_ENROLLED in second.text
    assert Enrolment.objects.filter(dossier=dossier).count() == 1


def test_a_case_manager_issues_a_checked_document(staff_client, case_manager):
    dossier = DossierFactory()
    client = staff_client(case_manager)

    response = client.post(
        add_url(dossier, "document"), {"kind": DocumentKind.OTHER, "name": "", "file": pdf()}, follow=True
    )

    assert response.redirect_chain == [(change_url(dossier), 302)]
    document = Document.objects.get(dossier=dossier)
    assert (document.direction, document.name, document.uploaded_by, document.content_type) == (
        DocumentDirection.ISSUED,
        "courrier.pdf",
        case_manager,
        "application/pdf",
    )
    assert "« courrier.pdf » est émis sur le dossier" in response.text
    assert "courrier.pdf" in response.text.split('id="documents-group"', 1)[1]


def test_a_refused_file_is_explained_and_nothing_is_issued(staff_client, case_manager):
    dossier = DossierFactory()
    client = staff_client(case_manager)
    url = add_url(dossier, "document")

    refused = client.post(url, {"kind": DocumentKind.OTHER, "file": SimpleUploadedFile("virus.pdf", b"MZ not a pdf")})
    missing = client.post(url, {"kind": DocumentKind.OTHER})

    assert "n&#x27;est pas un PDF" in refused.text or "n'est pas un PDF" in refused.text
    assert "Choisissez le fichier à émettre." in missing.text
    assert not Document.objects.filter(dossier=dossier).exists()


def test_a_storage_outage_is_explained_and_nothing_is_issued(staff_client, case_manager, monkeypatch):
    dossier = DossierFactory()

    def outage(*args, **kwargs):
        raise StorageUnavailable

    monkeypatch.setattr(FileSystemStorage, "save", outage)  # the tests' storage of documents

    page = staff_client(case_manager).post(add_url(dossier, "document"), {"kind": DocumentKind.OTHER, "file": pdf()})

    assert page.status_code == 200
    assert STORAGE_UNAVAILABLE.replace("'", "&#x27;") in page.text
    assert not Document.objects.filter(dossier=dossier).exists()
    assert not LogEntry.objects.filter(object_id=str(dossier.pk)).exists()


def test_a_dossier_out_of_reach_answers_404(staff_client, regional_manager):
    from backoffice.models import StaffProfile

    StaffProfile.objects.filter(user=regional_manager).update(regions=[Region.BRE])
    elsewhere = DossierFactory(employer_establishment=EstablishmentFactory(region=Region.OCC))
    client = staff_client(regional_manager)

    assert client.get(add_url(elsewhere, "stagiaire")).status_code == 404
    assert client.post(add_url(elsewhere, "document"), {"kind": DocumentKind.OTHER, "file": pdf()}).status_code == 404
    in_region = DossierFactory(employer_establishment=EstablishmentFactory(region=Region.BRE))
    assert client.get(add_url(in_region, "stagiaire")).status_code == 200
    assert client.get(add_url(in_region, "autre-chose")).status_code == 404
    assert not Document.objects.filter(dossier=elsewhere).exists()
