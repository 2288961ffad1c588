"""Payments recorded in the admin by accounting: the total is the sum of the lines, the remittance advice PDF is
filed in the beneficiary establishment's documents, and the provider sees the payment on its dossier."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from dossiers.models import Document, DocumentKind
from payments import services
from payments.models import Payment, PaymentMode, RemittanceAdvice
from tests.backoffice.conftest import pdf_text
from tests.factories import DossierFactory, MembershipFactory, ProviderEstablishmentFactory, UserFactory


@pytest.fixture
def provider():
    return ProviderEstablishmentFactory(name="CFA DU BATIMENT DE NANTES")


@pytest.fixture
def dossiers(provider):
    return DossierFactory.create_batch(2, provider_establishment=provider, apprenticeship=False)


def line(dossier, number, amount):
    return {
        "dossier": dossier,
        "invoice_date": datetime.date(2025, 3, 10),
        "invoice_number": number,
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 2, 28),
        "amount": Decimal(amount),
    }


def pay(actor, beneficiary, lines, reference="VIR550", **kwargs):
    return services.record_payment(
        actor=actor,
        reference=reference,
        paid_on=datetime.date(2025, 4, 2),
        beneficiary=beneficiary,
        lines=lines,
        **kwargs,
    )


def test_record_payment_files_the_remittance_advice(provider, dossiers, accountant):
    payment = pay(
        accountant,
        provider,
        [line(dossiers[0], "FEH1220001", "1875.00"), line(dossiers[1], "FEH1220002", "87518.50")],
        reference="VIR550",
    )

    assert payment.total_amount == Decimal("89393.50")
    assert payment.iban_paid == provider.iban
    advice = payment.remittance_advice
    assert (advice.establishment, advice.dossier, advice.kind) == (provider, None, DocumentKind.REMITTANCE_ADVICE)
    text = pdf_text(advice.file.read())
    assert "VIR550" in text and "CFA DU BATIMENT DE NANTES" in text and "FEH1220002" in text
    assert "87 518,50 €" in text and "89 393,50 €" in text
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=provider).user
    assert Document.objects.for_provider_user(referent).filter(pk=advice.pk).exists()
    assert LogEntry.objects.filter(object_id=str(payment.pk), user=accountant).exists()


def test_the_total_must_equal_the_sum_of_the_lines(provider, dossiers, accountant):
    with pytest.raises(ValidationError) as error:
        pay(
            accountant,
            provider,
            [line(dossiers[0], "FEH1", "90.00")],
            reference="VIR551",
            total_amount=Decimal("100.00"),
        )
    assert "doit être égal à la somme des lignes (90,00\u00a0€)" in error.value.messages[0]
    assert not Payment.objects.exists()


def test_a_line_settles_a_dossier_of_the_beneficiary(provider, accountant):
    other = DossierFactory()
    with pytest.raises(ValidationError, match="ni employé ni formé"):
        pay(accountant, provider, [line(other, "FEH1", "90.00")], reference="VIR552")


def admin_post(provider, dossiers, total, amounts):
    data = {
        "reference": "VIR550",
        "paid_on": "02/04/2025",
        "beneficiary": provider.pk,
        "iban_paid": "",
        "mode": PaymentMode.TRANSFER,
        "total_amount": total,
        "lines-TOTAL_FORMS": str(len(amounts)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, amount in enumerate(amounts):
        data.update(
            {
                f"lines-{index}-invoice_date": "10/03/2025",
                f"lines-{index}-invoice_number": f"FEH12200{index}",
                f"lines-{index}-dossier": dossiers[index % len(dossiers)].number,
                f"lines-{index}-amount": amount,
            }
        )
    return data


def test_accounting_records_a_payment_in_the_admin(staff_client, accountant, provider, dossiers):
    client = staff_client(accountant)
    url = reverse("admin:payments_payment_add")

    wrong = client.post(url, admin_post(provider, dossiers, "3000.00", ["1875.00", "1163.75"]))
    assert wrong.status_code == 200
    assert "doit être égal à la somme des lignes" in wrong.text
    assert not Payment.objects.exists()

    response = client.post(url, admin_post(provider, dossiers, "3038.75", ["1875.00", "1163.75"]))

    assert response.status_code == 302
    payment = Payment.objects.get(reference="VIR550")
    assert payment.lines.count() == 2
    first = payment.lines.get(invoice_number="FEH122000")
    assert (first.scheme, first.training_title) == (dossiers[0].scheme, dossiers[0].title)  # from the dossier
    assert payment.remittance_advice.establishment == provider
    listing = client.get(reverse("admin:payments_payment_changelist"))
    assert "Avis de virement VIR550.pdf" in listing.text
    download = client.get(reverse("admin:dossiers_document_download", args=[payment.remittance_advice_id]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def edit_data(payment, provider, dossiers, total, amount):
    data = admin_post(provider, dossiers, total, [amount])
    data.update({"lines-INITIAL_FORMS": "1", "lines-0-id": payment.lines.get().pk, "lines-0-payment": payment.pk})
    return data


def test_saving_a_payment_again_unchanged_issues_and_deletes_nothing(staff_client, accountant, provider, dossiers):
    client = staff_client(accountant)
    client.post(reverse("admin:payments_payment_add"), admin_post(provider, dossiers, "1875.00", ["1875.00"]))
    payment = Payment.objects.get()
    first_advice = payment.remittance_advice

    for _ in range(2):
        response = client.post(
            reverse("admin:payments_payment_change", args=[payment.pk]),
            edit_data(payment, provider, dossiers, "1875.00", "1875.00"),
        )
        assert response.status_code == 302

    payment.refresh_from_db()
    assert payment.remittance_advice_id == first_advice.pk
    assert list(Document.objects.filter(kind=DocumentKind.REMITTANCE_ADVICE)) == [first_advice]
    assert first_advice.file.storage.exists(first_advice.file.name)
    assert not RemittanceAdvice.objects.filter(replaced_at__isnull=False).exists()


def test_a_changed_payment_issues_a_new_advice_and_keeps_the_old_one_marked_replaced(
    staff_client, client, accountant, provider, dossiers
):
    staff = staff_client(accountant)
    staff.post(reverse("admin:payments_payment_add"), admin_post(provider, dossiers, "1875.00", ["1875.00"]))
    payment = Payment.objects.get()
    first_advice = payment.remittance_advice

    response = staff.post(
        reverse("admin:payments_payment_change", args=[payment.pk]),
        edit_data(payment, provider, dossiers, "2000.00", "2000.00"),
    )

    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.total_amount == Decimal("2000.00") and payment.remittance_advice_id != first_advice.pk
    old, new = RemittanceAdvice.objects.filter(payment=payment).order_by("version")
    assert (old.document_id, old.version, new.version) == (first_advice.pk, 1, 2)
    assert old.replaced_at is not None and new.replaced_at is None
    assert payment.remittance_advice.name == "Avis de virement VIR550 (version 2).pdf"
    text = pdf_text(payment.remittance_advice.file.read())
    assert "Annule et remplace" in text and "2 000,00 €" in text
    assert "— remplacé le" in staff.get(reverse("admin:payments_payment_change", args=[payment.pk])).text

    # The beneficiary still downloads the old advice, labelled as replaced.
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=provider).user
    client.force_login(referent)
    page = client.get(reverse("ogestion:establishment", args=[provider.pk])).text
    assert "Avis de virement VIR550 (version 2).pdf" in page
    assert page.count("Remplacé le") == 1
    download = client.get(reverse("ogestion:establishment_document", args=[provider.pk, first_advice.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_payments_cannot_be_deleted_from_the_admin(staff_client, administrator, provider, dossiers):
    payment = pay(administrator, provider, [line(dossiers[0], "FEH1", "90.00")])
    client = staff_client(administrator)

    response = client.post(reverse("admin:payments_payment_delete", args=[payment.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_the_paid_iban_is_the_beneficiary_validated_one_never_typed(staff_client, accountant, provider, dossiers):
    client = staff_client(accountant)
    data = admin_post(provider, dossiers, "1875.00", ["1875.00"])
    data["iban_paid"] = "FR7630004000031234567890143"

    client.post(reverse("admin:payments_payment_add"), data)

    payment = Payment.objects.get()
    assert payment.iban_paid == provider.iban != "FR7630004000031234567890143"
    assert "IBAN payé" in pdf_text(payment.remittance_advice.file.read())


def test_a_case_manager_cannot_record_a_payment(staff_client, case_manager, provider, dossiers):
    client = staff_client(case_manager)

    assert client.get(reverse("admin:payments_payment_changelist")).status_code == 200  # may read
    response = client.post(
        reverse("admin:payments_payment_add"), admin_post(provider, dossiers, "1875.00", ["1875.00"])
    )

    assert response.status_code == 403
    assert not Payment.objects.exists()


def test_the_provider_sees_the_payment_on_its_dossier(client, accountant, provider, dossiers):
    pay(accountant, provider, [line(dossiers[0], "FEH1220001", "1875.00")], reference="VIR550")
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=provider).user
    client.force_login(referent)

    response = client.get(reverse("ogestion:dossier_tab", args=[dossiers[0].number, "reglements"]))

    assert "VIR550" in response.text and "FEH1220001" in response.text


def test_a_transfer_needs_an_iban(accountant):
    provider = ProviderEstablishmentFactory(without_iban=True)
    dossier = DossierFactory(provider_establishment=provider)

    with pytest.raises(ValidationError, match="n'a pas d'IBAN"):
        pay(accountant, provider, [line(dossier, "FEH1", "90.00")], reference="VIR553")


def test_the_admin_asks_for_the_iban_when_the_beneficiary_has_none(staff_client, accountant, dossiers):
    provider = ProviderEstablishmentFactory(without_iban=True)
    for dossier in dossiers:
        dossier.provider_establishment = provider
        dossier.save(update_fields=["provider_establishment"])
    client = staff_client(accountant)

    response = client.post(
        reverse("admin:payments_payment_add"), admin_post(provider, dossiers, "3038.75", ["1875.00", "1163.75"])
    )

    assert response.status_code == 200
    assert "n&#x27;a pas d&#x27;IBAN validé" in response.text
    assert not Payment.objects.exists()


def test_a_remittance_advice_cannot_be_deleted_from_the_documents_admin(staff_client, provider, dossiers):
    superuser = UserFactory(staff=True, is_superuser=True)
    payment = pay(superuser, provider, [line(dossiers[0], "FEH1", "90.00")])
    client = staff_client(superuser)

    client.post(reverse("admin:dossiers_document_delete", args=[payment.remittance_advice_id]), {"post": "yes"})

    assert Document.objects.filter(pk=payment.remittance_advice_id).exists()
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_a_case_manager_reads_a_payment_and_its_advices(staff_client, case_manager, accountant, provider, dossiers):
    payment = pay(accountant, provider, [line(dossiers[0], "FEH1", "90.00")])

    response = staff_client(case_manager).get(reverse("admin:payments_payment_change", args=[payment.pk]))

    assert response.status_code == 200
    assert "Avis de virement VIR550.pdf" in response.text
