import pytest
from django.core.exceptions import ValidationError

from referentials import codes
from referentials.importers import split_street

pytestmark = pytest.mark.no_database  # pure: no database


@pytest.mark.parametrize(
    ("cfd", "diploma_code"),
    [
        ("50023211", "33"),  # CAP
        ("51023211", "34"),  # BEP
        ("01023310", "35"),  # MC / certificat de spécialisation
        ("56T23201", "38"),  # titre professionnel de niveau CAP
        ("40023210", "41"),  # bac pro
        ("45023210", "49"),  # BP
        ("46T23201", "49"),  # titre professionnel de niveau bac
        ("32023210", "54"),  # BTS
        ("36T23201", "58"),  # titre professionnel de niveau bac+2
        ("25023201", "62"),  # licence professionnelle
        ("25123101", "64"),  # BUT
        ("13512345", "73"),  # legacy 71 read as Master
        ("67100001", "25"),  # DNB
        ("17023201", ""),  # engineering or business school: ambiguous
        ("99923201", ""),  # unknown prefix
    ],
)
def test_the_first_three_characters_of_a_cfd_give_the_cerfa_diploma_code(cfd, diploma_code):
    assert codes.diploma_code_for_cfd(cfd) == diploma_code


def test_an_ambiguous_prefix_allows_both_codes():
    assert codes.diploma_codes_for_cfd("17023201") == ("75", "76")
    assert codes.diploma_codes_for_cfd("16523201") == ("75", "76")
    assert codes.diploma_codes_for_cfd("ZZZ00000") == ()


def test_every_derived_code_is_in_the_10103_14_table_with_a_level():
    for diploma_codes in codes.CFD_PREFIX_TO_DIPLOMA_CODES.values():
        for code in diploma_codes:
            assert code in codes.DIPLOMA_TYPES
            assert code in codes.DIPLOMA_CODE_LEVELS
    assert codes.level_for_diploma_code("33") == 3
    assert codes.level_for_diploma_code("54") == 5
    assert codes.level_for_diploma_code("80") == 8
    assert codes.level_for_diploma_code("13") is None
    assert codes.level_for_diploma_code("") is None


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("34567", "RNCP34567"), ("rncp 34567", "RNCP34567"), ("RNCP-34567", "RNCP34567"), (" RNCP347 ", "RNCP347")],
)
def test_rncp_codes_are_upper_cased_and_bare_digits_get_the_prefix(typed, normalised):
    assert codes.normalise_rncp(typed) == normalised


@pytest.mark.parametrize(("typed", "normalised"), [("16", "0016"), ("1597", "1597"), ("IDCC 1596", "1596")])
def test_idcc_is_left_padded_to_four_digits(typed, normalised):
    assert codes.normalise_idcc(typed) == normalised


def test_code_validators_explain_the_format_in_french():
    codes.validate_cfd("56T23201")
    codes.validate_rncp("RNCP347")
    codes.validate_idcc("0016")
    with pytest.raises(ValidationError, match="8 caractères"):
        codes.validate_cfd("5002331")
    with pytest.raises(ValidationError, match="3 à 5 chiffres"):
        codes.validate_rncp("RNCP123456")
    with pytest.raises(ValidationError, match="1 à 4 chiffres"):
        codes.validate_idcc("0000")


def test_titles_are_searched_lower_case_without_accents_ligatures_or_punctuation():
    assert codes.normalise_text("Maçonnerie & Génie-Climatique d'œuvre") == "maconnerie genie climatique d oeuvre"
    assert codes.search_text("ÉLECTRICIEN", "", "CAP") == " electricien cap"
    assert codes.search_text("", None) == ""


def test_search_words_drop_stop_words_unless_nothing_else_is_left():
    assert codes.search_words("Le maçon de la ville, le MAÇON") == ["macon", "ville"]
    assert codes.search_words("de la") == ["de", "la"]
    assert codes.search_words("  ") == []


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("3 CHEMIN DE LA CEPIERE", ("3", "", "CHEMIN DE LA CEPIERE")),
        ("12 BIS RUE DE LA GARENNE", ("12", "B", "RUE DE LA GARENNE")),
        ("1 ter rue des Forestiers", ("1", "T", "rue des Forestiers")),
        ("5 TRAVERSE DES PINS", ("5", "", "TRAVERSE DES PINS")),
        ("CHEMIN DES VIGNES", ("", "", "CHEMIN DES VIGNES")),
        ("0 RUE X", ("", "", "0 RUE X")),
    ],
)
def test_the_street_number_and_its_repetition_index_are_split_off_the_address(address, parts):
    assert split_street(address) == parts
