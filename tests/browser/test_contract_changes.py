"""Avenants and ruptures of an accepted apprenticeship contract, in headless Chromium: the company declares an
avenant 36 (new maître), downloads its PDF, uploads the signed copy and transmits; the case manager accepts it in the
admin; the CFA sees it in oGestion. Then the company declares a rupture by mutual agreement: the dossier shows
"Rompu le …" and the CFA receives the email (the live server sends to django.core.mail.outbox)."""

import datetime
import re

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from playwright.sync_api import expect

from accounts.models import Role
from backoffice.roles import CASE_MANAGER
from dossiers.models import DossierStatus
from funding import services
from funding.models import RequestDocumentKind
from funding.transmission import submit_request
from tests.browser.helpers import admin_log_in, log_in, log_out
from tests.factories import MembershipFactory, ProviderEstablishmentFactory, minimal_pdf, staff_user
from tests.funding.conftest import TODAY, apprenticeship_payload, pdf_upload


def accepted_contract(company_user, cfa):
    """A contract transmitted through the wizard's services, then accepted, trained by `cfa`."""
    call_command("load_referentials", "--sample", verbosity=0)
    establishment = company_user.memberships.get().establishment
    draft = services.create_draft(
        user=company_user, establishment=establishment, initial_data=apprenticeship_payload(establishment)
    )
    for kind in (RequestDocumentKind.SIGNED_CERFA, RequestDocumentKind.TRAINING_AGREEMENT):
        services.attach_document(draft, kind=kind, uploaded_file=pdf_upload(), user=company_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier = submit_request(draft, user=company_user, today=TODAY)
    dossier.status = DossierStatus.ACCEPTED
    dossier.provider_establishment = cfa
    dossier.save()
    return dossier


def test_avenant_then_rupture_of_an_accepted_contract(page, tmp_path):
    company_user = MembershipFactory(role=Role.COMPANY_MANAGER, user__email="marie@batir.fr").user
    referent = MembershipFactory(
        role=Role.PROVIDER_REFERENT,
        establishment=ProviderEstablishmentFactory(cfa=True, name="CFA BTP OCCITANIE"),
        user__email="referent@cfa-btp.fr",
    ).user
    case_manager = staff_user(CASE_MANAGER, email="camille.gestion@constructys.fr", totp=True)
    dossier = accepted_contract(company_user, referent.memberships.get().establishment)

    # --- the company declares an avenant 36: a new maître d'apprentissage --------------------------------------------
    log_in(page, company_user.email, "egestion")
    page.goto(f"/egestion/dossiers/{dossier.number}/")
    page.get_by_role("link", name="Déclarer un avenant").click()
    page.get_by_label("Type d'avenant").select_option("36")
    page.get_by_label("Date d'effet de l'avenant").fill("2026-03-01")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("heading", name=re.compile(r"Avenant n° .*-AV1"))).to_be_visible()
    page.locator("#contrat_numero_precedent").fill("035202509NC0123")
    page.locator("#maitre1_nom_naissance").fill("Bernard")
    page.locator("#maitre1_prenom").fill("Sophie")
    page.get_by_role("button", name="SAUVEGARDER").click()
    expect(page.get_by_role("rowheader").filter(has_text="Nom de naissance").first).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'avenant (CERFA rempli, PDF)").click()
    assert download_info.value.suggested_filename == f"avenant-{dossier.number}-AV1.pdf"
    signed = tmp_path / "avenant-signe.pdf"
    signed.write_bytes(minimal_pdf("Avenant signé"))
    page.get_by_label("Avenant signé par les parties").set_input_files(str(signed))
    page.get_by_role("button", name="Joindre l'avenant signé").click()
    expect(page.get_by_text("L'avenant signé est joint.")).to_be_visible()
    page.get_by_role("button", name="Transmettre").click()
    expect(page.get_by_text(re.compile(r"L'avenant n° .*-AV1 est transmis"))).to_be_visible()
    expect(
        page.get_by_text("Avenant n°1 du 01/03/2026 — changement de maître d'apprentissage", exact=True)
    ).to_be_visible()

    # --- the case manager accepts it ----------------------------------------------------------------------------------
    log_out(page)
    admin_log_in(page, case_manager)
    page.goto("/admin/funding/fundingrequest/?kind__exact=avenant")
    page.locator("#result_list tbody tr a").first.click()
    page.get_by_role("link", name="Accepter l'avenant").click()
    page.get_by_role("button", name="Confirmer : Accepter l'avenant").click()
    expect(page.locator(".messagelist")).to_contain_text("Acceptée")

    # --- the CFA sees it on its dossier ----------------------------------------------------------------------------
    log_out(page)
    log_in(page, referent.email, "ogestion")
    page.goto(f"/ogestion/dossiers/{dossier.number}/")
    expect(
        page.get_by_text("Avenant n°1 du 01/03/2026 — changement de maître d'apprentissage", exact=True)
    ).to_be_visible()
    expect(page.get_by_text("(Acceptée)")).to_be_visible()

    # --- the company declares a rupture by mutual agreement -----------------------------------------------------
    log_out(page)
    log_in(page, company_user.email, "egestion")
    page.goto(f"/egestion/dossiers/{dossier.number}/")
    page.get_by_role("link", name="Déclarer une rupture").click()
    page.get_by_label("Date de la rupture").fill("2027-02-14")
    page.get_by_label("Motif de la rupture").select_option("02")
    page.get_by_label("L'employeur et l'apprenti(e), d'un commun accord").check()
    page.get_by_role("button", name="Transmettre la rupture").click()
    # Without the signed agreement: refused, the answers kept.
    expect(page.get_by_role("alert")).to_contain_text("convention de rupture signée")
    expect(page.get_by_label("Date de la rupture")).to_have_value("2027-02-14")
    agreement = tmp_path / "convention.pdf"
    agreement.write_bytes(minimal_pdf("Convention de rupture signée"))
    page.get_by_label("Document signé").set_input_files(str(agreement))
    page.get_by_role("button", name="Transmettre la rupture").click()
    expect(page.get_by_text("Rompu le 14/02/2027").first).to_be_visible()

    [email] = [m for m in mail.outbox if "referent@cfa-btp.fr" in m.to]
    assert "Rupture du contrat d'apprentissage" in email.subject and "14/02/2027" in email.body


def test_the_change_forms_check_while_typing_and_pass_axe_on_a_phone(browser, live_server):
    """The avenant's and the rupture's forms, with the wizard's script: the engine's messages and the rupture's
    checks appear while typing, the new maître is found with the wizard's look-up, and both pages fit 390 px and
    pass axe-core."""
    from django.conf import settings
    from django.test import Client

    from funding import avenants
    from tests.browser.a11y import horizontal_overflow, serious_violations
    from tests.factories import PersonFactory

    company_user = MembershipFactory(role=Role.COMPANY_MANAGER, user__email="paul@batir.fr").user
    cfa = ProviderEstablishmentFactory(cfa=True, name="CFA BTP OCCITANIE")
    dossier = accepted_contract(company_user, cfa)
    establishment = dossier.employer_establishment
    PersonFactory(
        organisation=establishment.organisation,
        establishment=establishment,
        last_name="Bernard",
        first_name="Sophie",
        birth_date=datetime.date(1980, 5, 12),
    )
    avenant = avenants.start_avenant(
        dossier, user=company_user, avenant_type="36", effective_date=datetime.date(2026, 3, 1)
    )
    client = Client()
    client.force_login(company_user)
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 900}, bypass_csp=True
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()

    page.goto(f"/egestion/dossiers/{dossier.number}/avenant/{avenant.public_id}/")
    page.locator("#maitre1_date_naissance").fill("2009-01-15")  # 17 on the effective date
    expect(page.locator("#maitre1_date_naissance-error")).to_contain_text("majeur à la date d'effet")
    expect(page.locator("#wizard-status")).to_contain_text("Brouillon enregistré")
    page.locator("#q_maitre1").fill("bern")
    page.locator("#results-maitre1 .lookup-results__choose").first.click()
    expect(page.locator("#maitre1_nom_naissance")).to_have_value("Bernard")
    expect(page.locator("#maitre1_date_naissance")).to_have_value("1980-05-12")
    assert horizontal_overflow(page) <= 0 and serious_violations(page) == []

    page.goto(f"/egestion/dossiers/{dossier.number}/rupture/")
    page.get_by_label("Date de la rupture").fill("2027-09-01")  # the contract ends on 31/08/2027
    expect(page.locator("#date-error")).to_contain_text("dépasser la fin du contrat (31/08/2027)")
    page.get_by_label("Motif de la rupture").select_option("03")  # a resignation
    page.get_by_label("L'employeur", exact=True).check()
    expect(page.locator("#initiative-error")).to_contain_text("apprenti")
    assert horizontal_overflow(page) <= 0 and serious_violations(page) == []
    context.close()
