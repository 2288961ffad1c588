"""Bank details four eyes in headless Chromium (issue 14): a référent asks for new bank details in oGestion, an
accounting member validates them in the admin, the référent and the organisation's registered contact each receive
the email, and the establishment's history shows the change; the same accounting member cannot validate a request
they entered themselves."""

import re

from playwright.sync_api import expect

from accounts.models import Role
from backoffice.roles import ACCOUNTING
from banking.models import BankDetailsRequest, RequestStatus
from tests.browser.helpers import admin_log_in, log_in, log_out
from tests.factories import TINY_PDF, MembershipFactory, ProviderEstablishmentFactory, staff_user

NEW_IBAN = "FR7630004000031234567890143"
OTHER_IBAN = "FR7630006000011234567890189"


def validate_in_the_admin(page, establishment):
    page.goto("/admin/banking/bankdetailsrequest/?status__exact=pending")
    row = page.locator("#result_list tbody tr", has_text=establishment.siret)
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("validate_requests")
    page.get_by_role("button", name="Envoyer").click()


def test_a_referent_asks_accounting_validates_and_everyone_is_told(page, tmp_path, mailoutbox):
    establishment = ProviderEstablishmentFactory(
        name="CFA DU BATIMENT DE NANTES", organisation__contact_email="direction@cfa-nantes.fr"
    )
    referent = MembershipFactory(
        establishment=establishment, role=Role.PROVIDER_REFERENT, user__email="referent@cfa-nantes.fr"
    ).user
    accountant = staff_user(ACCOUNTING, email="claire.compta@constructys.fr", totp=True)
    rib = tmp_path / "rib.pdf"
    rib.write_bytes(TINY_PDF)

    # The référent sends new bank details from the establishment's page.
    log_in(page, referent.email, "ogestion")
    page.goto(f"/ogestion/etablissements/{establishment.pk}/")
    page.get_by_role("link", name="Envoyer de nouvelles coordonnées bancaires").click()
    page.get_by_label("Nouvel IBAN").fill("FR76 3000 4000 0312 3456 7890 143")
    page.get_by_label("Nouveau BIC").fill("BNPAFRPPXXX")
    page.get_by_label(re.compile(r"^RIB \(PDF")).set_input_files(str(rib))
    page.get_by_label(re.compile("Je certifie")).check()
    page.get_by_role("button", name="Envoyer pour validation").click()
    expect(page.get_by_text(re.compile("en attente de validation"))).to_be_visible()
    asked = {email.to[0] for email in mailoutbox}
    assert asked == {referent.email, "direction@cfa-nantes.fr"}
    mailoutbox.clear()
    log_out(page)

    # An accounting member validates it in the admin.
    admin_log_in(page, accountant)
    validate_in_the_admin(page, establishment)
    expect(page.locator(".messagelist")).to_contain_text("1 demande validée.")
    establishment.refresh_from_db()
    assert establishment.iban == NEW_IBAN

    # The référent and the registered contact each receive the email, with the number to call.
    told = {email.to[0]: email for email in mailoutbox}
    assert set(told) == {referent.email, "direction@cfa-nantes.fr"}
    for email in told.values():
        assert "Vos coordonnées bancaires ont été mises à jour" in email.subject
        assert "Si vous n'êtes pas à l'origine de cette demande, appelez le" in email.body

    # The establishment's history shows the change (IBANs masked).
    page.goto(f"/admin/accounts/establishment/{establishment.pk}/history/")
    expect(page.locator("#change-history")).to_contain_text(
        re.compile(r"Coordonnées bancaires modifiées : IBAN FR76 •••• \w{4} → FR76 •••• 0143")
    )
    page.goto("/admin/banking/bankdetailschange/")
    expect(page.locator("#result_list")).to_contain_text("FR76 •••• 0143")
    expect(page.locator("#result_list")).to_contain_text(referent.email)

    # The same accounting member enters a request on the owner's behalf, then cannot validate it.
    page.goto("/admin/banking/bankdetailsrequest/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill(establishment.siret)
    page.locator(".select2-results__option", has_text=establishment.siret).click()
    page.get_by_label("Demandeur").fill("Jean Martin, directeur")
    page.get_by_label("Nouvel IBAN").fill(OTHER_IBAN)
    page.get_by_label("Nouveau BIC").fill("BNPAFRPPXXX")
    page.get_by_label(re.compile(r"^RIB \(PDF")).set_input_files(str(rib))
    page.get_by_label(re.compile("J'ai vérifié")).check()
    page.get_by_role("button", name="Enregistrer la demande").click()
    expect(page.locator(".messagelist")).to_contain_text("un autre membre du service Comptabilité doit la valider")

    validate_in_the_admin(page, establishment)
    expect(page.locator(".messagelist")).to_contain_text(
        "Vous êtes l'auteur de cette demande : un autre membre du service Comptabilité doit la valider"
    )
    establishment.refresh_from_db()
    assert establishment.iban == NEW_IBAN
    assert BankDetailsRequest.objects.get(iban=OTHER_IBAN).status == RequestStatus.PENDING
