"""Invoicing in headless Chromium (issue 21, "Done when"): a CFA deposits the advance invoice of an accepted
apprenticeship contract on FACTURATION; accounting validates it in the admin and records the payment; the CFA sees
"Payée (VIR…)", follows the remittance advice's line to its invoice, and its money view shows the same figures."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from backoffice.roles import ACCOUNTING
from invoicing.models import ContractTerms
from tests.browser.a11y import horizontal_overflow, scrolling_tables, serious_violations
from tests.browser.helpers import admin_log_in, log_in, log_out, save_screenshot
from tests.factories import TINY_PDF, DossierFactory, MembershipFactory, ProviderEstablishmentFactory, staff_user
from tests.invoicing.helpers import TODAY, D

ADVANCE = "3\u00a0200,00\u00a0€"


def admin_action(page, number, action):
    page.goto("/admin/invoicing/invoice/")
    page.locator("#result_list tbody tr", has_text=number).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(action)
    page.get_by_role("button", name="Envoyer").click()


def test_a_cfa_invoices_its_advance_accounting_validates_and_pays_and_the_money_view_agrees(page, tmp_path):
    establishment = ProviderEstablishmentFactory(cfa=True, name="BTP CFA GIRONDE")
    referent = MembershipFactory(
        establishment=establishment, role=Role.PROVIDER_REFERENT, user__email="referent@btpcfa-gironde.fr"
    ).user
    starts_on = TODAY - datetime.timedelta(days=40)
    dossier = DossierFactory(
        apprenticeship=True, provider_establishment=establishment, start_date=starts_on, duration_days=729
    )
    ContractTerms.objects.create(
        dossier=dossier,
        concluded_on=starts_on - datetime.timedelta(days=15),
        starts_on=starts_on,
        ends_on=dossier.end_date,
        annual_npec=D("8000.00"),
        level=5,
    )
    accountant = staff_user(ACCOUNTING, email="claire.compta@constructys.fr", totp=True)
    invoice_pdf = tmp_path / "facture.pdf"
    invoice_pdf.write_bytes(TINY_PDF)

    # The CFA deposits the advance from the dossier's FACTURATION tab.
    log_in(page, referent.email, "ogestion")
    page.goto(f"/ogestion/dossiers/{dossier.number}/")
    page.get_by_role("link", name="FACTURATION").click()
    expect(page.get_by_text("Facturable aujourd'hui")).to_be_visible()
    page.get_by_role("link", name="Déposer une facture").click()
    page.get_by_label("N° de facture").fill("FA-2026-0042")
    page.get_by_label("Date de la facture").fill(TODAY.isoformat())
    page.get_by_label("Période facturée : du").fill(starts_on.isoformat())
    page.get_by_label("au", exact=True).fill(TODAY.isoformat())
    page.get_by_label("Montant TTC (€)").fill("3200,00")
    page.get_by_label(re.compile(r"^La facture \(PDF")).set_input_files(str(invoice_pdf))
    page.get_by_role("button", name=re.compile("Déposer")).click()
    expect(page.get_by_text("Votre facture n° FA-2026-0042 a été déposée")).to_be_visible()
    expect(page.locator("#facture-fa-2026-0042")).to_contain_text("Déposée")
    log_out(page)

    # Accounting validates it, then records the payment (one transfer, its remittance advice).
    admin_log_in(page, accountant)
    admin_action(page, "FA-2026-0042", "validate_invoices")
    expect(page.locator(".messagelist")).to_contain_text("1 facture(s) validée(s).")
    admin_action(page, "FA-2026-0042", "pay_invoices")
    page.get_by_label("Référence du règlement").fill("VIR777")
    page.get_by_role("button", name="Enregistrer le règlement").click()
    expect(page.locator(".messagelist")).to_contain_text("Règlement VIR777 enregistré (1 facture(s)).")
    log_out(page)

    # The CFA sees it paid, and the remittance advice's line leads to the invoice.
    log_in(page, referent.email, "ogestion")
    page.goto(f"/ogestion/dossiers/{dossier.number}/facturation/")
    expect(page.locator("#facture-fa-2026-0042")).to_contain_text(
        f"Payée (VIR777 du {timezone.localdate():%d/%m/%Y})"
    )  # the payment day, after midnight too
    page.get_by_role("link", name="Consulter mes règlements").first.click()
    page.get_by_role("link", name="VIR777", exact=True).click()
    page.get_by_role("link", name="FA-2026-0042").click()
    expect(page).to_have_url(re.compile(rf"/ogestion/dossiers/{re.escape(dossier.number)}/facturation/#facture-"))
    expect(page.locator("#facture-fa-2026-0042")).to_contain_text("Payée (VIR777")

    # The money view shows the same figures: 3 200 € invoiced and paid this month, nothing waiting or late.
    page.goto("/ogestion/")
    page.get_by_role("link", name="Voir le détail par mois et par établissement").click()
    figures = page.locator(".money-figures")
    expect(figures.locator("div", has_text="Facturé sur 12 mois").locator("dd")).to_have_text(ADVANCE)
    expect(figures.locator("div", has_text="Payé sur 12 mois").locator("dd")).to_have_text(ADVANCE)
    expect(figures.locator("div", has_text="Validé, en attente de paiement").locator("dd")).to_have_text("0,00\u00a0€")
    expect(figures.locator("div", has_text="Paiements en retard").locator("dd")).to_have_text("0,00\u00a0€")
    expect(page.get_by_role("img", name=re.compile("Facturé et payé par mois"))).to_be_visible()
    month = page.get_by_role("row", name=re.compile(f"{TODAY.year}")).last
    expect(month.get_by_role("cell")).to_have_text([ADVANCE, ADVANCE])
    site = page.get_by_role("row", name=re.compile("BTP CFA GIRONDE"))
    expect(site.get_by_role("cell").first).to_have_text(ADVANCE)
    save_screenshot(page, "ogestion-money-view.png")

    # At 1 280 px, with axe-core (a context that lets the vendored script in): no serious violation, nothing wider
    # than the screen, no table scrolling sideways.
    checked = page.context.browser.new_context(
        base_url=page.url.split("/ogestion/")[0], locale="fr-FR", viewport={"width": 1280, "height": 900},
        bypass_csp=True,
    )  # fmt: skip
    checked.add_cookies(page.context.cookies())
    wide = checked.new_page()
    wide.goto("/ogestion/tableau-de-bord-financier/")
    assert (horizontal_overflow(wide), scrolling_tables(wide), serious_violations(wide)) == (0, [], [])
    checked.close()
