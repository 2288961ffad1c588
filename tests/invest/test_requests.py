"""Investment requests: drafts with lines and quotes, totals, the campaign window, submission (read-only
afterwards), scope (another CFA's request: 404), emails."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from invest import services
from invest.models import ExpenseCategory, InvestmentRequest, RequestLine, RequestStatus
from invest.templatetags.invest import euros
from tests.factories import TINY_PDF
from tests.harness import assert_constant_queries
from tests.invest.conftest import attach_required_documents, make_campaign, make_request


def form_data(category, establishment=None, lines=(), **overrides):
    data = {
        "title": "Plateau technique BIM",
        "description": "Équiper la salle BIM.",
        "category": category.pk,
        "co_financing": "0",
        "co_financing_details": "",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "50",
    }
    if establishment is not None:
        data["establishment"] = establishment.pk
    for n, (designation, quantity, price, rate) in enumerate(lines):
        data.update(
            {
                f"lines-{n}-designation": designation,
                f"lines-{n}-quantity": quantity,
                f"lines-{n}-unit_price_ht": price,
                f"lines-{n}-vat_rate": rate,
            }
        )
    data.update(overrides)
    return data


def pdf(name="devis.pdf", content=TINY_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def logged_in(client, world):
    client.force_login(world.referent)
    return client


# --- Totals -------------------------------------------------------------------------------------------------


def test_line_totals_are_decimal_and_rounded_to_the_cent():
    line = RequestLine(quantity=Decimal("3"), unit_price_ht=Decimal("33.33"), vat_rate=Decimal("5.50"))
    assert line.total_ht == Decimal("99.99")
    assert line.total_vat == Decimal("5.50")  # 5.49945 rounded half up
    assert line.total_ttc == Decimal("105.49")


def test_request_totals_and_the_requested_amount(campaign, world):
    investment = make_request(
        campaign,
        world.cfa,
        world.referent,
        lines=[(2, "35000.00", "20.00"), ("1.5", "1012.34", "10.00")],
        co_financing=Decimal("10000.00"),
    )
    assert investment.total_ht == Decimal("71518.51")
    assert investment.total_vat == Decimal("14151.85")
    assert investment.total_ttc == Decimal("85670.36")
    assert investment.requested_amount == Decimal("75670.36")


def test_amounts_are_displayed_in_french():
    assert euros(Decimal("87518.5")) == "87\u00a0518,50\u00a0€"
    assert euros(None) == ""


# --- Drafts through the portal -------------------------------------------------------------------------------


def test_a_cfa_user_files_a_draft_with_lines(logged_in, world, campaign):
    category = ExpenseCategory.objects.first()
    response = logged_in.post(
        reverse("invest:request_new"),
        form_data(
            category,
            world.cfa,
            lines=[("Imprimante 3D", "2", "1 250,50", "20.00"), ("Licences BIM", "10", "99.9", "20.00")],
        ),
    )
    investment = InvestmentRequest.objects.get()
    assert response["Location"] == reverse("invest:request", args=[investment.pk])
    assert investment.status == RequestStatus.DRAFT and investment.created_by == world.referent
    assert investment.total_ht == Decimal("3500.00")
    assert investment.total_ttc == Decimal("4200.00")
    page = logged_in.get(response["Location"])
    assert "4\u00a0200,00\u00a0€" in page.text
    assert campaign.contact_email in page.text


def test_a_draft_is_only_for_one_of_the_users_cfas(logged_in, world, campaign):
    category = ExpenseCategory.objects.first()
    response = logged_in.post(reverse("invest:request_new"), form_data(category, world.other_cfa))
    assert response.status_code == 200
    assert not InvestmentRequest.objects.exists()


def test_lines_can_be_changed_and_removed_while_draft(logged_in, world, campaign):
    investment = make_request(campaign, world.cfa, world.referent, lines=[(1, "100.00", "20.00"), (1, "50.00", "0.00")])
    first, second = investment.lines.all()
    data = form_data(
        investment.category, lines=[("Équipement 1", "3", "100.00", "20.00"), ("Équipement 2", "1", "50.00", "0.00")]
    )
    data.update(
        {
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "2",
            "lines-0-id": first.pk,
            "lines-0-request": investment.pk,
            "lines-1-id": second.pk,
            "lines-1-request": investment.pk,
            "lines-1-DELETE": "on",
        }
    )
    response = logged_in.post(reverse("invest:request", args=[investment.pk]), data)
    assert response.status_code == 302
    investment.refresh_from_db()
    assert investment.lines.count() == 1
    assert investment.total_ttc == Decimal("360.00")


def test_quotes_are_checked_like_every_upload(logged_in, world, campaign):
    investment = make_request(campaign, world.cfa, world.referent)
    url = reverse("invest:quote_upload", args=[investment.pk])
    refused = logged_in.post(url, {"file": pdf("faux.pdf", b"MZ not a pdf at all")}, follow=True)
    assert "Le fichier « faux.pdf » n&#x27;est pas un PDF, JPEG, PNG valide" in refused.text
    assert not investment.quotes.exists()
    response = logged_in.post(url, {"file": pdf(), "document": "Devis détaillé"}, follow=True)
    assert "« devis.pdf » joint à la demande comme « Devis détaillé »." in response.text
    quote = investment.quotes.get()
    assert quote.checksum and quote.content_type == "application/pdf"
    download = logged_in.get(reverse("invest:quote", args=[investment.pk, quote.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == TINY_PDF


# --- Submission and the campaign window ------------------------------------------------------------------------


def ready(campaign, world, **kwargs):
    investment = make_request(campaign, world.cfa, world.referent, **kwargs)
    attach_required_documents(investment, world.referent)
    return investment


def test_submission_sends_an_email_and_makes_the_request_read_only(logged_in, world, campaign):
    investment = ready(campaign, world)
    response = logged_in.post(reverse("invest:request_submit", args=[investment.pk]))
    assert response.status_code == 302
    investment.refresh_from_db()
    assert investment.status == RequestStatus.SUBMITTED and investment.submitted_at
    (email,) = mail.outbox
    assert email.to == [world.referent.email]
    assert investment.reference in email.subject and "2\u00a0400,00\u00a0€" in email.body
    # Read-only: the page shows no form, a POST changes nothing.
    page = logged_in.get(reverse("invest:request", args=[investment.pk]))
    assert "Enregistrer le brouillon" not in page.text
    logged_in.post(reverse("invest:request", args=[investment.pk]), form_data(investment.category, title="Autre"))
    logged_in.post(reverse("invest:quote_upload", args=[investment.pk]), {"file": pdf()})
    investment.refresh_from_db()
    assert investment.title == "Plateau technique maçonnerie" and investment.quotes.count() == 2


def test_a_second_click_on_transmit_sends_no_second_email(logged_in, world, campaign):
    investment = ready(campaign, world)
    url = reverse("invest:request_submit", args=[investment.pk])
    logged_in.post(url)
    page = logged_in.post(url, follow=True)
    assert "Votre demande est transmise" in page.text and "déjà été transmise" not in page.text
    assert len(mail.outbox) == 1
    investment.refresh_from_db()
    assert investment.status == RequestStatus.SUBMITTED


def test_a_post_on_a_read_only_request_says_why(logged_in, world, campaign):
    investment = ready(campaign, world)
    services.submit_request(investment, world.referent)
    page = logged_in.post(
        reverse("invest:request", args=[investment.pk]), form_data(investment.category, title="Autre"), follow=True
    )
    assert services.NOT_DRAFT_MESSAGE in page.text


def test_a_new_draft_with_a_bad_line_saves_nothing(logged_in, world, campaign):
    data = form_data(campaign.categories.first(), world.cfa, lines=[("Tour", "1", "abc", "20.00")])
    response = logged_in.post(reverse("invest:request_new"), data)
    assert response.status_code == 200
    assert not InvestmentRequest.objects.exists()


def test_a_request_without_quote_cannot_be_submitted(world):
    campaign = make_campaign(required_documents="")
    investment = make_request(campaign, world.cfa, world.referent)
    with pytest.raises(ValidationError, match="Joignez la pièce « Devis »"):
        services.submit_request(investment, world.referent)
    services.attach_quote(investment, uploaded_file=pdf(), user=world.referent, document="Devis")
    assert services.submit_request(investment, world.referent).status == RequestStatus.SUBMITTED


# --- The campaign's required pieces (issue 17, item 5) -----------------------------------------------------------


def test_transmit_refuses_a_request_that_lacks_a_required_piece_and_names_it(logged_in, world):
    campaign = make_campaign(required_documents="Devis détaillé\nPlan de financement signé")
    investment = make_request(campaign, world.cfa, world.referent)
    logged_in.post(reverse("invest:quote_upload", args=[investment.pk]), {"file": pdf(), "document": "Devis détaillé"})
    # A file attached as another document does not stand for the missing piece.
    logged_in.post(reverse("invest:quote_upload", args=[investment.pk]), {"file": pdf("plan.pdf"), "document": ""})
    page = logged_in.get(reverse("invest:request", args=[investment.pk]))
    assert "Joignez la pièce « Plan de financement signé »." in page.text
    assert "Transmettre ma demande" not in page.text

    response = logged_in.post(reverse("invest:request_submit", args=[investment.pk]), follow=True)
    assert "Joignez la pièce « Plan de financement signé »." in response.text
    assert "Devis détaillé »." not in response.text
    investment.refresh_from_db()
    assert investment.status == RequestStatus.DRAFT and not mail.outbox

    logged_in.post(
        reverse("invest:quote_upload", args=[investment.pk]),
        {"file": pdf("plan-signe.pdf"), "document": "Plan de financement signé"},
    )
    response = logged_in.post(reverse("invest:request_submit", args=[investment.pk]), follow=True)
    assert "Votre demande est transmise à Constructys." in response.text
    investment.refresh_from_db()
    assert investment.status == RequestStatus.SUBMITTED


def test_each_required_piece_is_listed_with_its_status(logged_in, world):
    campaign = make_campaign(required_documents="Devis détaillé\nPlan de financement signé")
    investment = make_request(campaign, world.cfa, world.referent)
    services.attach_quote(
        investment, uploaded_file=pdf("devis-beton.pdf"), user=world.referent, document="Devis détaillé"
    )
    page = logged_in.get(reverse("invest:request", args=[investment.pk])).text
    devis, plan = page.split('id="piece-1"')[1].split('id="piece-2"')
    assert "Devis détaillé" in devis and "Jointe" in devis and "devis-beton.pdf" in devis
    assert "Plan de financement signé" in plan.split('id="piece-autres"')[0]
    assert "Manquante" in plan.split('id="piece-autres"')[0]
    assert 'name="document" value="Plan de financement signé"' in plan


def test_the_required_pieces_are_configured_per_campaign_in_the_admin(client, world):
    campaign = make_campaign(required_documents="Devis détaillé")
    investment = make_request(campaign, world.cfa, world.referent)
    services.attach_quote(investment, uploaded_file=pdf(), user=world.referent, document="Devis détaillé")
    assert services.missing_documents(investment) == []
    campaign.required_documents = "Devis détaillé\n  Plan de financement   signé \n\nDevis détaillé"
    campaign.save()
    investment.refresh_from_db()
    assert campaign.required_document_list == ["Devis détaillé", "Plan de financement signé"]
    assert services.missing_documents(investment) == ["Plan de financement signé"]
    with pytest.raises(ValidationError, match="ne demande pas la pièce « Attestation »"):
        services.attach_quote(investment, uploaded_file=pdf(), user=world.referent, document="Attestation")


def test_the_maximum_per_request_is_checked(world, campaign):
    investment = ready(campaign, world, lines=[(1, "200000.00", "20.00")])
    with pytest.raises(ValidationError, match="dépasse le maximum de la campagne"):
        services.submit_request(investment, world.referent)


def test_no_submission_before_the_opening(world):
    campaign = make_campaign(opens_in_days=5, closes_in_days=30)
    investment = make_request(campaign, world.cfa, world.referent)
    with pytest.raises(ValidationError, match="ouvre le"):
        services.submit_request(investment, world.referent)
    with pytest.raises(ValidationError):
        services.create_request(
            campaign=campaign, establishment=world.cfa, user=world.referent, title="x", category=investment.category
        )


def test_no_submission_after_the_closing(logged_in, world, campaign):
    investment = ready(campaign, world)
    campaign.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    campaign.save()
    response = logged_in.post(reverse("invest:request_submit", args=[investment.pk]), follow=True)
    assert "La campagne 2026 est close" in response.text
    investment.refresh_from_db()
    assert investment.status == RequestStatus.DRAFT
    assert (
        "ne peut plus être modifié ni transmis" in logged_in.get(reverse("invest:request", args=[investment.pk])).text
    )
    assert logged_in.get(reverse("invest:request_new")).status_code == 302


# --- Scope ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name, method",
    [
        ("invest:request", "get"),
        ("invest:request_submit", "post"),
        ("invest:request_delete", "post"),
        ("invest:quote_upload", "post"),
    ],
)
def test_another_cfas_request_answers_404(client, world, campaign, url_name, method):
    theirs = ready(campaign, world)
    client.force_login(world.other_user)
    response = getattr(client, method)(reverse(url_name, args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.DRAFT


def test_another_cfas_quote_answers_404(client, world, campaign):
    theirs = ready(campaign, world)
    client.force_login(world.other_user)
    assert client.get(reverse("invest:quote", args=[theirs.pk, theirs.quotes.first().pk])).status_code == 404


def test_the_home_page_lists_only_the_users_requests(client, world, campaign):
    mine = make_request(campaign, world.cfa, world.referent, title="Mon projet")
    make_request(campaign, world.other_cfa, world.other_user, title="Leur projet")
    client.force_login(world.referent)
    page = client.get(reverse("invest:home"))
    assert mine.reference in page.text and "Mon projet" in page.text
    assert "Leur projet" not in page.text


def test_the_home_page_costs_the_same_queries_with_more_requests(client, world, campaign):
    for n in range(3):
        make_request(campaign, world.cfa, world.referent, title=f"Projet {n}")
    client.force_login(world.referent)
    client.get(reverse("invest:home"))  # the terms check is remembered in the session

    def home():
        response = client.get(reverse("invest:home"))
        assert response.status_code == 200
        return response

    def more_requests():
        for n in range(25):
            make_request(campaign, world.cfa, world.referent, title=f"Autre projet {n}", lines=())

    page = assert_constant_queries(home, grow=more_requests, at_most=12)
    assert "1 à 20 sur 28 demandes" in page.text


def test_a_draft_can_be_deleted(logged_in, world, campaign):
    investment = ready(campaign, world)
    response = logged_in.post(reverse("invest:request_delete", args=[investment.pk]))
    assert response["Location"] == reverse("invest:home")
    assert not InvestmentRequest.objects.exists()


def test_a_missing_field_is_named_in_french(logged_in, world, campaign):
    category = ExpenseCategory.objects.first()
    response = logged_in.post(
        reverse("invest:request_new"),
        form_data(category, world.cfa, title="", lines=[("Imprimante", "0", "abc", "20.00")]),
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert "Saisissez un nombre." in response.text
    assert not InvestmentRequest.objects.exists()


def test_the_services_refuse_a_user_who_is_not_of_the_requests_cfa(world, campaign):
    """A quote or a transmission from a user of another CFA is refused by the service itself, not only by the views."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import Role
    from tests.factories import MembershipFactory, ProviderEstablishmentFactory

    investment = ready(campaign, world)
    other_referent = MembershipFactory(
        establishment=ProviderEstablishmentFactory(cfa=True), role=Role.PROVIDER_REFERENT
    ).user
    with pytest.raises(PermissionDenied):
        services.attach_quote(investment, uploaded_file=pdf(), user=other_referent)
    with pytest.raises(PermissionDenied):
        services.submit_request(investment, other_referent)
    investment.refresh_from_db()
    assert investment.status == RequestStatus.DRAFT and investment.quotes.count() == 2
