import pytest
from django.core.exceptions import ValidationError

from accounts import validators

pytestmark = pytest.mark.no_database  # pure: no database

# Real check digits, computed with the Luhn algorithm (SIREN 732 829 320, NIC 00074).
VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"


def test_siret_with_spaces_is_accepted():
    validators.validate_siret("732 829 320 00074")


def test_siret_with_a_wrong_check_digit_says_so():
    with pytest.raises(ValidationError) as error:
        validators.validate_siret("73282932000075")

    assert error.value.messages == ["Le SIRET saisi n'est pas valide : sa clé de contrôle est erronée."]


def test_siret_of_the_wrong_length_says_how_many_digits():
    with pytest.raises(ValidationError) as error:
        validators.validate_siret("7328293200007")

    assert error.value.messages == ["Le SIRET doit comporter 14 chiffres."]


def test_siren_check_digit():
    validators.validate_siren(VALID_SIREN)
    with pytest.raises(ValidationError):
        validators.validate_siren("732829321")


def test_luhn_complete_builds_numbers_that_validate():
    siren = validators.luhn_complete("12345678")
    validators.validate_siren(siren)
    validators.validate_siret(validators.luhn_complete(siren + "0001"))


@pytest.mark.parametrize("value", ["12345", "1234567", "12a456"])
def test_member_number_has_six_digits(value):
    with pytest.raises(ValidationError, match="6 chiffres"):
        validators.validate_member_number(value)


def test_uai_check_letter():
    uai = "0751234" + validators.uai_check_letter("0751234")
    validators.validate_uai(uai)
    validators.validate_uai(uai.lower())
    wrong_letter = "A" if uai[-1] != "A" else "B"
    with pytest.raises(ValidationError, match="lettre de contrôle"):
        validators.validate_uai(uai[:7] + wrong_letter)


def test_iban_and_bic():
    validators.validate_iban("FR76 3000 6000 0112 3456 7890 189")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validators.validate_iban("FR76 3000 6000 0112 3456 7890 188")
    validators.validate_bic("BNPAFRPPXXX")
    with pytest.raises(ValidationError, match="8 ou 11 caractères"):
        validators.validate_bic("BNPA")


def test_nda_has_eleven_digits():
    validators.validate_nda("11755555575")
    with pytest.raises(ValidationError, match="11 chiffres"):
        validators.validate_nda("1175555557")
