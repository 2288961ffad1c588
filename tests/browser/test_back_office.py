"""The back office in headless Chromium: a case manager accepts a submitted dossier and answers its message, and
the company user sees the funding agreement under DOCUMENT(S) ÉMIS and the answer under MESSAGE(S); accounting
records a payment, and the provider sees it on its dossier (RÈGLEMENTS tab) and under "Consulter mes règlements" with
its remittance advice; a case manager enrols a trainee and issues a document from the dossier's lists."""

import re

from playwright.sync_api import expect

from accounts.models import Role
from backoffice.roles import ACCOUNTING, CASE_MANAGER
from dossiers.models import DocumentKind
from payments.models import Payment
from tests.backoffice.conftest import company_message
from tests.browser.helpers import admin_log_in, log_in, log_out
from tests.factories import (
    TINY_PDF,
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    PersonFactory,
    ProviderEstablishmentFactory,
    staff_user,
)


def test_a_case_manager_accepts_and_answers_and_the_company_sees_both(page):
    case_manager = staff_user(CASE_MANAGER, email="camille.gestion@constructys.fr", totp=True)
    company_user = MembershipFactory(role=Role.COMPANY_MANAGER, user__email="marie@batir.fr").user
    dossier = DossierFactory(
        submitted=True, number="9935550001.01", employer_establishment=company_user.memberships.get().establishment
    )
    EnrolmentFactory(dossier=dossier, person__last_name="Lefebvre")
    company_message(dossier, author=company_user, title="Question planning")

    admin_log_in(page, case_manager)
    page.get_by_role("link", name="Messages non lus").click()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".badge-unread")).to_have_text("Non lu")
    row.get_by_role("link", name="9935550001.01").click()
    messages = page.locator("#messages-group")
    expect(messages).to_contain_text("Question planning")
    expect(messages.locator(".badge-unread")).to_have_text("Non lu")

    page.get_by_role("link", name="Accepter", exact=True).click()
    expect(page.get_by_text("Confirmez-vous « Accepter » pour ce dossier ?")).to_be_visible()
    page.get_by_role("button", name="Confirmer : Accepter").click()
    expect(page.locator(".messagelist")).to_contain_text("Dossier 9935550001.01 : En cours")
    expect(page.locator("#documents-group")).to_contain_text("Accord de prise en charge 9935550001.01.pdf")

    page.get_by_role("link", name="Répondre à l'entreprise").click()
    page.get_by_label("Titre").fill("RE : Question planning")
    page.get_by_label("Contenu").fill("La formation commence bien le 2 septembre.")
    page.get_by_label("Pièces jointes").set_input_files(
        files=[{"name": "planning.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Réponse envoyée sur le dossier 9935550001.01")
    # Back on the dossier, whose documents now hold the attachment.
    expect(page).to_have_url(re.compile(rf"/admin/dossiers/dossier/{dossier.pk}/change/$"))
    expect(page.locator("#documents-group")).to_contain_text("planning.pdf")

    log_out(page)
    log_in(page, company_user.email, "egestion")
    page.goto(f"/egestion/dossiers/{dossier.number}/")
    page.get_by_role("link", name=re.compile("DOCUMENT\\(S\\) ÉMIS")).click()
    expect(page.get_by_role("rowheader", name="Accord de prise en charge 9935550001.01.pdf")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger Accord de prise en charge")).click()
    assert download_info.value.suggested_filename == "Accord de prise en charge 9935550001.01.pdf"
    page.get_by_role("link", name=re.compile("MESSAGE\\(S\\)")).click()
    page.get_by_role("link", name="RE : Question planning").click()
    expect(page.get_by_text("La formation commence bien le 2 septembre.")).to_be_visible()


def test_accounting_records_a_payment_and_the_provider_sees_it(page):
    accountant = staff_user(ACCOUNTING, email="compta@constructys.fr", totp=True)
    provider = ProviderEstablishmentFactory(name="CFA BTP NANTES")
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=provider, user__email="cfa@btp.fr").user
    dossier = DossierFactory(number="9935550002.01", provider_establishment=provider)

    admin_log_in(page, accountant)
    page.goto("/admin/payments/payment/add/")
    page.get_by_label("Référence").fill("VIR550")
    page.locator("#id_paid_on").fill("02/04/2025")
    page.locator("#id_beneficiary").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-search__field").fill("CFA BTP")
    page.locator(".select2-results__option", has_text="CFA BTP NANTES").click()
    page.get_by_label("Montant total TTC").fill("1875.00")
    page.locator("#id_lines-0-invoice_date").fill("10/03/2025")
    page.locator("#id_lines-0-invoice_number").fill("FEH1220001")
    page.locator("#id_lines-0-dossier").fill(dossier.number)
    page.locator("#id_lines-0-amount").fill("1875.00")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("VIR550")
    expect(page.get_by_role("link", name="Avis de virement VIR550.pdf")).to_be_visible()
    payment = Payment.objects.get(reference="VIR550")
    assert payment.remittance_advice.establishment == provider
    assert payment.remittance_advice.kind == DocumentKind.REMITTANCE_ADVICE

    log_out(page)
    log_in(page, referent.email, "ogestion")
    page.goto(f"/ogestion/dossiers/{dossier.number}/onglet/reglements/")
    expect(page.get_by_text("VIR550")).to_be_visible()
    expect(page.get_by_text("FEH1220001")).to_be_visible()

    # "Consulter mes règlements": the payment, with the remittance advice the admin filed.
    page.goto("/ogestion/")
    page.get_by_role("link", name="Consulter mes règlements").click()
    page.get_by_role("link", name="VIR550", exact=True).click()
    expect(page.get_by_role("heading", name="Règlement N° VIR550")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'avis de virement").click()
    assert download_info.value.suggested_filename == "Avis de virement VIR550.pdf"


def test_a_case_manager_enrols_a_trainee_and_issues_a_document(page):
    case_manager = staff_user(CASE_MANAGER, email="camille.gestion@constructys.fr", totp=True)
    dossier = DossierFactory(received=True, number="9935550004.01")
    PersonFactory(last_name="Kerbrat", first_name="Yanis")

    admin_log_in(page, case_manager)
    page.goto(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    expect(page.locator("#trainees-group")).to_contain_text("Aucun stagiaire inscrit sur ce dossier.")
    page.get_by_role("link", name="Inscrire un stagiaire").click()
    page.locator("#id_person").locator("xpath=following-sibling::span[1]").click()
    page.locator(".select2-search__field").fill("Kerbr")
    page.locator(".select2-results__option", has_text="KERBRAT Yanis").click()
    page.get_by_role("button", name="Inscrire un stagiaire").click()
    expect(page.locator(".messagelist")).to_contain_text("KERBRAT Yanis est inscrit sur le dossier 9935550004.01.")
    expect(page.locator("#trainees-group")).to_contain_text("KERBRAT Yanis")

    page.get_by_role("link", name="Émettre un document").click()
    page.get_by_label("Fichier").set_input_files(
        files=[{"name": "convocation.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.get_by_role("button", name="Émettre un document").click()
    expect(page.locator(".messagelist")).to_contain_text("« convocation.pdf » est émis sur le dossier")
    expect(page.locator("#documents-group")).to_contain_text("convocation.pdf")


def test_the_dossier_pages_buttons_never_overlap_its_title(page):
    case_manager = staff_user(CASE_MANAGER, email="camille.gestion@constructys.fr", totp=True)
    dossier = DossierFactory(
        received=True,
        number="9935550003.01",
        title="TITRE PROFESSIONNEL TECHNICIEN SUPERIEUR DU BATIMENT OPTION ETUDES ET ECONOMIE - PARCOURS COMPLET",
    )

    admin_log_in(page, case_manager)
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/admin/dossiers/dossier/{dossier.pk}/change/")
        title = page.locator("#content > h2").bounding_box()
        for button in page.locator(".object-tools li").all():
            box = button.bounding_box()
            overlaps = not (
                box["x"] >= title["x"] + title["width"]
                or box["x"] + box["width"] <= title["x"]
                or box["y"] >= title["y"] + title["height"]
                or box["y"] + box["height"] <= title["y"]
            )
            assert not overlaps, (width, button.inner_text())
