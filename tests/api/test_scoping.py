"""What a key sees: every endpoint with a key of another organisation answers 404 (and changes nothing); a key
narrowed to one establishment never sees another's dossier; lists run a constant number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Portal
from api.urls import urlpatterns
from demo import identifiers
from funding import services as funding_services
from funding.apprenticeship import initial_draft_data
from messaging.models import Message, MessageRead
from tests.factories import TINY_PDF, DossierFactory, EnrolmentFactory, MessageFactory, PaymentFactory
from tests.harness import assert_constant_queries

from .conftest import make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return funding_services.create_draft(
        user=world["manager"], establishment=world["rennes"], initial_data=initial_draft_data(world["rennes"])
    )


def _pdf():
    return SimpleUploadedFile("piece.pdf", TINY_PDF, "application/pdf")


# (route as ninja declares it, method, URL of the owner's object, body (json, or "multipart" with a dict)).
def endpoints(world, draft):
    number = world["rennes_dossier"].number
    return [
        ("dossiers/<numero>", "get", f"/api/v1/dossiers/{number}", None),
        ("dossiers/<numero>/documents", "get", f"/api/v1/dossiers/{number}/documents", None),
        (
            "dossiers/<numero>/documents/<document_id>/fichier",
            "get",
            f"/api/v1/dossiers/{number}/documents/{world['document'].pk}/fichier",
            None,
        ),
        ("dossiers/<numero>/messages", "get", f"/api/v1/dossiers/{number}/messages", None),
        ("dossiers/<numero>/messages", "post", f"/api/v1/dossiers/{number}/messages", {"titre": "T", "contenu": "C"}),
        ("messages/<message_id>/lu", "post", f"/api/v1/messages/{world['message'].pk}/lu", {}),
        ("reglements/<reglement_id>", "get", f"/api/v1/reglements/{world['payment'].pk}", None),
        (
            "reglements/<reglement_id>/avis-de-virement",
            "get",
            f"/api/v1/reglements/{world['payment'].pk}/avis-de-virement",
            None,
        ),
        ("etablissements/<etablissement_id>", "get", f"/api/v1/etablissements/{world['rennes'].pk}", None),
        ("dossiers", "get", f"/api/v1/dossiers?etablissement={world['rennes'].pk}", None),
        ("reglements", "get", f"/api/v1/reglements?etablissement={world['rennes'].pk}", None),
        ("etablissements", "get", f"/api/v1/etablissements?numero={world['rennes'].pk}", None),
        ("dossiers/<numero>/factures", "get", f"/api/v1/dossiers/{number}/factures", None),
        (
            "dossiers/<numero>/factures",
            "post",
            f"/api/v1/dossiers/{number}/factures",
            (
                "multipart",
                {
                    "numero_facture": "F-1",
                    "date": "2026-01-05",
                    "periode_debut": "2026-01-01",
                    "periode_fin": "2026-01-31",
                    "montant": "100.00",
                    "pdf": _pdf(),
                },
            ),
        ),
        ("demandes-apprentissage", "post", "/api/v1/demandes-apprentissage", {"etablissement": world["rennes"].pk}),
        ("demandes-apprentissage/<public_id>", "get", f"/api/v1/demandes-apprentissage/{draft.public_id}", None),
        (
            "demandes-apprentissage/<public_id>",
            "patch",
            f"/api/v1/demandes-apprentissage/{draft.public_id}",
            {"champs": {"apprenti_nom_naissance": "INTRUS"}},
        ),
        (
            "demandes-apprentissage/<public_id>/pieces",
            "post",
            f"/api/v1/demandes-apprentissage/{draft.public_id}/pieces",
            ("multipart", {"type": "cerfa", "fichier": _pdf()}),
        ),
        (
            "demandes-apprentissage/<public_id>/transmission",
            "post",
            f"/api/v1/demandes-apprentissage/{draft.public_id}/transmission",
            {},
        ),
    ]


PUBLIC_ROUTES = {"openapi.json", "docs", "", "^(?P<rest>.*)$"}


def send(client, secret, method, url, body):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if method == "get":
        return client.get(url, **headers)
    if isinstance(body, tuple):
        return client.post(url, body[1], **headers)
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def test_every_endpoint_is_in_this_test(world, draft):
    declared = {str(pattern.pattern) for pattern in urlpatterns} - PUBLIC_ROUTES
    assert declared == {route for route, *_ in endpoints(world, draft)}


def test_an_unknown_address_answers_the_apis_404(client, company_key):
    response = client.get("/api/v1/inconnu/1", HTTP_AUTHORIZATION=f"Bearer {company_key.secret}")
    assert response.status_code == 404
    assert response.json()["erreur"]["code"] == "introuvable"


def snapshot():
    from funding.models import FundingRequest, RequestDocument
    from invoicing.models import Invoice

    return (
        Message.objects.count(),
        MessageRead.objects.count(),
        FundingRequest.objects.count(),
        RequestDocument.objects.count(),
        Invoice.objects.count(),
        list(FundingRequest.objects.values_list("data", flat=True)),
    )


@pytest.mark.parametrize("intruder", ["other_company", "other_provider"])
def test_every_endpoint_with_a_key_of_another_organisation_answers_404(client, world, draft, intruder):
    if intruder == "other_company":
        key = make_key(world["other_manager"], Portal.EGESTION, [world["other"]])
    else:
        from accounts.models import Role
        from tests.factories import MembershipFactory, ProviderEstablishmentFactory, UserFactory

        establishment = ProviderEstablishmentFactory(cfa=True)
        referent = UserFactory()
        MembershipFactory(user=referent, establishment=establishment, role=Role.PROVIDER_REFERENT)
        key = make_key(referent, Portal.OGESTION, [establishment])
    before = snapshot()
    problems = []
    for route, method, url, body in endpoints(world, draft):
        response = send(client, key.secret, method, url, body)
        if response.status_code != 404:
            problems.append(f"{method.upper()} {url} ({route}): {response.status_code} {response.content[:200]!r}")
        elif response.json()["erreur"]["message"] != "Aucune ressource ne correspond à cette adresse.":
            problems.append(f"{method.upper()} {url}: {response.json()}")
    assert not problems, "\n".join(problems)
    assert snapshot() == before


def test_the_owner_key_reaches_the_same_endpoints(client, world, draft, company_key, provider_key):
    """The URLs above are right: the owners get them (reads only; writes are tested with their own data)."""
    for route, method, url, body in endpoints(world, draft):
        if method != "get":
            continue
        secret = provider_key.secret if "factures" in route else company_key.secret
        assert send(client, secret, method, url, body).status_code == 200, url


def test_no_read_gives_a_whole_iban_or_a_trainees_nir(client, world, draft, company_key, provider_key):
    """Bank details and the NIR stay in the portal: IBANs come masked (country, check digits, last four) and a
    dossier's trainees by name only, to a manager's or référent's key as to any other."""
    trainee = EnrolmentFactory(dossier=world["rennes_dossier"]).person
    for establishment in (world["rennes"], world["brest"]):
        establishment.iban = identifiers.french_iban("30004", "00823", f"{establishment.pk:011d}")
        establishment.save(update_fields=["iban"])
    world["payment"].iban_paid = world["rennes"].iban
    world["payment"].save(update_fields=["iban_paid"])
    secrets_ = [world["rennes"].iban, world["cfa"].iban, trainee.nir]
    for route, method, url, body in endpoints(world, draft):
        if method != "get" or route.endswith("fichier") or route.endswith("avis-de-virement"):
            continue  # files are the documents themselves, as the portal gives them
        secret = provider_key.secret if "factures" in route else company_key.secret
        body = send(client, secret, method, url, body).content.decode()
        assert not [value for value in secrets_ if value in body], url
    # Compared as read from the JSON, which escapes accents ("Cl\u00e9ment"): a raw text search failed on such names.
    detail = send(client, company_key.secret, "get", endpoints(world, draft)[0][2], None).json()
    assert trainee.last_name in [row["nom"] for row in detail["inscriptions"]]
    listed = send(client, company_key.secret, "get", "/api/v1/etablissements", None).json()["resultats"]
    assert {row["iban_masque"][-4:] for row in listed} == {world["rennes"].iban[-4:], world["brest"].iban[-4:]}


def test_the_lists_of_another_organisation_show_nothing_of_the_owner(world, other_key, call):
    api = call(other_key)
    assert [d["numero"] for d in api.get("/api/v1/dossiers").json()["resultats"]] == [world["other_dossier"].number]
    assert [p["id"] for p in api.get("/api/v1/reglements").json()["resultats"]] == [world["other_payment"].pk]
    assert [e["id"] for e in api.get("/api/v1/etablissements").json()["resultats"]] == [world["other"].pk]


def test_a_key_narrowed_to_one_establishment_never_sees_another(world, call):
    rennes_only = call(make_key(world["manager"], Portal.EGESTION, [world["rennes"]]))
    brest = world["brest_dossier"]
    assert [d["numero"] for d in rennes_only.get("/api/v1/dossiers").json()["resultats"]] == [
        world["rennes_dossier"].number
    ]
    assert rennes_only.get(f"/api/v1/dossiers/{brest.number}").status_code == 404
    assert rennes_only.get(f"/api/v1/dossiers/{brest.number}/messages").status_code == 404
    assert rennes_only.get(f"/api/v1/dossiers?etablissement={world['brest'].pk}").status_code == 404
    assert [e["id"] for e in rennes_only.get("/api/v1/etablissements").json()["resultats"]] == [world["rennes"].pk]
    assert rennes_only.get(f"/api/v1/etablissements/{world['brest'].pk}").status_code == 404
    brest_payment = PaymentFactory(beneficiary=world["brest"])
    assert rennes_only.get(f"/api/v1/reglements/{brest_payment.pk}").status_code == 404
    brest_message = MessageFactory(dossier=brest)
    assert rennes_only.post(f"/api/v1/messages/{brest_message.pk}/lu").status_code == 404


def test_cursor_pagination_walks_every_dossier_once(world, company_key, call):
    for _ in range(4):
        DossierFactory(employer_establishment=world["rennes"])
    api = call(company_key)
    seen, cursor = [], None
    while True:
        page = api.get("/api/v1/dossiers", {"limite": 2, **({"curseur": cursor} if cursor else {})}).json()
        seen += [d["numero"] for d in page["resultats"]]
        cursor = page["suivant"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6
    bad = api.get("/api/v1/dossiers", {"curseur": "pas-un-curseur"})
    assert bad.status_code == 400 and "curseur" in bad.json()["erreur"]["champs"]


@pytest.mark.parametrize("url", ["/api/v1/dossiers", "/api/v1/reglements", "/api/v1/etablissements"])
def test_company_lists_run_a_constant_number_of_queries(world, company_key, call, url):
    api = call(company_key)

    def grow():
        for _ in range(5):
            dossier = DossierFactory(employer_establishment=world["rennes"])
            PaymentFactory(beneficiary=world["brest"])
            MessageFactory(dossier=dossier)

    assert_constant_queries(lambda: api.get(url), grow=grow, warm_up=True)


def test_provider_and_message_lists_run_a_constant_number_of_queries(world, provider_key, company_key, call):
    provider = call(provider_key)
    company = call(company_key)
    number = world["rennes_dossier"].number

    def grow():
        for _ in range(5):
            DossierFactory(employer_establishment=world["rennes"], provider_establishment=world["cfa"])
            MessageFactory(dossier=world["rennes_dossier"])

    assert_constant_queries(
        lambda: (provider.get("/api/v1/dossiers"), company.get(f"/api/v1/dossiers/{number}/messages")),
        grow=grow,
        warm_up=True,
    )
