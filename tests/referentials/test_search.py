import io

import pytest
from django.core.management import call_command

from referentials.models import CollectiveAgreement, Diploma, RncpCertification, TrainingCentre
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def sample():
    call_command("load_referentials", "--sample", stdout=io.StringIO())


def codes_of(results, field):
    return [getattr(entry, field) for entry in results]


def test_a_code_prefix_finds_the_codes_that_start_with_it():
    results = list(Diploma.objects.search("500233"))
    assert codes_of(results, "cfd") == ["50023311", "50023312", "50023313", "50023314"]
    assert {entry.search_rank for entry in results} == {1}


def test_the_exact_code_comes_first():
    results = list(RncpCertification.objects.search("RNCP3485"))
    assert len(results) > 1 and all(code.startswith("RNCP3485") for code in codes_of(results, "code"))
    results = list(RncpCertification.objects.search("RNCP34852"))
    assert codes_of(results, "code") == ["RNCP34852"] and results[0].search_rank == 0


@pytest.mark.parametrize("typed", ["37651", "rncp 37651", "RNCP-37651"])
def test_bare_rncp_digits_get_the_prefix(typed):
    first = RncpCertification.objects.search(typed)[0]
    assert (first.code, first.search_rank) == ("RNCP37651", 0)


def test_idcc_is_found_padded_or_not():
    assert codes_of(CollectiveAgreement.objects.search("16"), "idcc")[0] == "0016"
    assert CollectiveAgreement.objects.search("IDCC 1597")[0].idcc == "1597"
    assert codes_of(CollectiveAgreement.objects.search("159"), "idcc") == ["1596", "1597"]


@pytest.mark.parametrize("typed", ["électricien", "electricien", "ÉLECTRICIEN", "Electricien"])
def test_title_words_match_with_or_without_accents_in_any_case(typed):
    assert {entry.cfd for entry in Diploma.objects.search(typed)} == {"50025510", "45025510"}  # stored "ELECTRICIEN"
    assert {entry.code for entry in RncpCertification.objects.search(typed)} == {
        "RNCP34859",
        "RNCP34865",
        "RNCP1044",
    }  # stored "Électricien"


def test_every_word_must_start_a_word_of_the_title():
    assert codes_of(Diploma.objects.search("cap maçon"), "cfd") == ["50023210", "50023211"]
    assert codes_of(Diploma.objects.search("bp maçon"), "cfd") == ["45023210"]
    assert codes_of(Diploma.objects.search("plaqu"), "cfd") == ["01023310", "50023313"]
    assert list(Diploma.objects.search("aquiste")) == []
    assert list(Diploma.objects.search("maçon zinguerie")) == []


def test_cfas_are_found_by_uai_siret_name_sign_and_city():
    assert codes_of(TrainingCentre.objects.search("btp cfa toulouse"), "name") == ["BTP CFA HAUTE-GARONNE"]
    first = TrainingCentre.objects.search("0312101r")[0]
    assert (first.name, first.search_rank) == ("BTP CFA HAUTE-GARONNE", 0)
    assert len(TrainingCentre.objects.search("448 132 704")) == 4  # the four BTP CFA sites
    assert codes_of(TrainingCentre.objects.search("campus des métiers cfa"), "uai") == ["0311987S"]  # by its sign
    assert codes_of(TrainingCentre.objects.search("energie"), "city") == ["VÉNISSIEUX", "PARIS"]


def test_title_matches_starting_with_the_first_word_come_before_the_others():
    results = list(RncpCertification.objects.search("maçon"))
    assert results[0].title == "Maçon" and results[0].search_rank == 2
    assert "Chef d'équipe gros œuvre" not in codes_of(results, "title")


def test_inactive_entries_are_found_flagged_and_listed_after_the_active_ones():
    results = list(RncpCertification.objects.search("maçon"))
    assert [(entry.code, entry.is_active) for entry in results] == [
        ("RNCP38615", True),
        ("RNCP37651", True),
        ("RNCP34862", True),
        ("RNCP4901", False),
    ]
    assert not RncpCertification.objects.active().filter(code="RNCP4901").exists()
    assert codes_of(TrainingCentre.objects.search("btp cfa"), "name")[-1] == "BTP CFA MOSELLE"  # closed
    assert CollectiveAgreement.objects.get(idcc="0650").in_force is False


def test_search_runs_one_query_and_none_for_blank_terms(django_assert_num_queries):
    for model, terms in (
        (TrainingCentre, "btp cfa nord"),
        (Diploma, "cap maçon"),
        (RncpCertification, "37651"),
        (CollectiveAgreement, "bâtiment ouvriers"),
    ):
        with django_assert_num_queries(1):
            assert list(model.objects.search(terms))
    with django_assert_num_queries(0):
        assert list(Diploma.objects.search("  ")) == []
        assert list(Diploma.objects.search(None)) == []


def test_results_are_limited():
    assert len(Diploma.objects.search("cap")) == 18
    assert len(Diploma.objects.search("cap", limit=5)) == 5
    assert len(Diploma.objects.search("cap", limit=None)) == 18


def test_the_diploma_type_is_derived_from_the_cfd_prefix_and_stored():
    assert Diploma.objects.get(cfd="50023211").diploma_type_code == "33"
    assert Diploma.objects.get(cfd="36T23201").diploma_type_code == "58"
    engineering = Diploma.objects.get(cfd="17023201")
    assert (engineering.diploma_type_code, engineering.diploma_type_codes) == ("", ("75", "76"))
    created = Diploma.objects.create(cfd="32023299", title="NOUVEAU BTS")
    assert Diploma.objects.filter(pk=created.pk, diploma_type_code="54", search_text=" nouveau bts").exists()
    assert set(Diploma.objects.filter(diploma_type_code="54").values_list("level", flat=True)) == {5}


def test_rncp_and_cfd_links():
    current = RncpCertification.objects.get(code="RNCP37651")
    assert current.is_linked_to("50023211") and not current.is_linked_to("50023210")
    assert list(
        Diploma.objects.get(cfd="45025510").rncp_certifications.order_by("code").values_list("code", flat=True)
    ) == [
        "RNCP1044",
        "RNCP34865",
    ]
    assert not RncpCertification.objects.get(code="RNCP37212").diplomas.exists()  # a CQP without a CFD


def test_the_admin_lists_and_searches_each_referential(client):
    client.force_login(UserFactory(superuser=True))
    for url, term, expected in (
        ("/admin/referentials/trainingcentre/", "haute garonne", "0312101R"),
        ("/admin/referentials/diploma/", "maçon", "50023211"),
        ("/admin/referentials/rncpcertification/", "37651", "RNCP37651"),
        ("/admin/referentials/collectiveagreement/", "batiment", "1597"),
    ):
        assert client.get(url).status_code == 200
        response = client.get(url, {"q": term})
        assert response.status_code == 200 and expected in response.content.decode()
    centre = TrainingCentre.objects.get(uai="0312101R")
    assert client.get(f"/admin/referentials/trainingcentre/{centre.pk}/change/").status_code == 200
    assert client.get("/admin/referentials/trainingcentre/add/").status_code == 403
