import pytest

from dossiers.cerfa.identifiers import (
    is_valid_contract_number,
    is_valid_iban,
    is_valid_siren,
    luhn_is_valid,
    nir_has_valid_format,
    nir_has_valid_key,
    nir_key,
    siret_has_valid_checksum,
    siret_has_valid_format,
    uai_check_letter,
    uai_has_valid_format,
    uai_has_valid_letter,
)

pytestmark = pytest.mark.no_database  # pure: no database


@pytest.mark.parametrize(
    ("siret", "valid"),
    [
        ("73282932000074", True),  # S3 test vector
        ("51234567900017", True),  # spec example
        ("50000000000000", False),  # S3 test vector
        ("35600000009075", True),  # La Poste: Luhn fails, digit sum 35 is a multiple of 5
        ("35600000009076", False),  # La Poste, digit sum 36
        ("45600000009075", False),  # same digits without the La Poste SIREN: Luhn only
        ("44123456400017", True),
        ("44123456400018", False),
    ],
)
def test_siret_luhn_and_la_poste(siret, valid):
    assert siret_has_valid_checksum(siret) is valid


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000745", "7328293200007A", ""])
def test_siret_format_is_14_digits(siret):
    assert not siret_has_valid_format(siret)
    assert not siret_has_valid_checksum(siret)


def test_luhn_doubles_every_second_digit_from_the_right():
    # 732829320 read from the right: 0, 2→4, 3, 9→18→9, 2, 8→16→7, 2, 3→6, 7 → 0+4+3+9+2+7+2+6+7 = 40
    assert luhn_is_valid("732829320")
    assert is_valid_siren("732829320")
    assert not is_valid_siren("732829321")


@pytest.mark.parametrize(
    ("nir13", "key"),
    [
        ("2061275111005", 64),  # public example
        ("1030435238117", 7),
        ("204072A004012", 44),  # Corsica: 2A read as 19 → N = 2 040 719 004 012
        ("1080335238117", 37),
    ],
)
def test_nir_key(nir13, key):
    assert nir_key(nir13) == key


@pytest.mark.parametrize(
    ("nir", "valid"),
    [
        ("206127511100564", True),
        ("103043523811707", True),
        ("204072A00401244", True),
        ("204072A00401217", False),  # the key computed with 2A read as 20
        ("206127511100565", False),
        ("2061275111005", True),  # 13 characters: no key to check
    ],
)
def test_nir_with_key(nir, valid):
    assert nir_has_valid_key(nir) is valid


@pytest.mark.parametrize(
    ("nir", "valid"),
    [
        ("2061275111005", True),
        ("206127511100564", True),
        ("204072A004012", True),
        ("204072B004012", True),
        ("204072C004012", False),
        ("306127511100564", False),  # sex digit 3
        ("706127511100564", False),  # temporary numbers are refused
        ("20612751110056", False),  # 14 characters
        ("20612751110", False),
    ],
)
def test_nir_format(nir, valid):
    assert nir_has_valid_format(nir) is valid


@pytest.mark.parametrize(
    ("uai", "valid"),
    [("0951099D", True), ("0951099C", False), ("0561910X", True), ("0351234B", True), ("0351234A", False)],
)
def test_uai_check_letter(uai, valid):
    assert uai_has_valid_letter(uai) is valid


def test_uai_letter_alphabet_skips_i_o_q():
    # 951099 mod 23 = 3 → D; 8 → J (I skipped); 13 → P (O skipped); 14 → R (Q skipped)
    assert uai_check_letter("0951099") == "D"
    assert uai_check_letter("0000008") == "J"
    assert uai_check_letter("0000013") == "P"
    assert uai_check_letter("0000014") == "R"
    assert uai_check_letter("0000023") == "A"


@pytest.mark.parametrize("uai", ["951099D", "09510999D", "0951099", "0951099d", "O951099D"])
def test_uai_format(uai):
    assert not uai_has_valid_format(uai)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("02B202212000000", True),  # spec example
        ("02b202212000000", True),  # case-insensitive
        ("035202509NC0123", True),
        ("035202509nc0123", True),
        ("971202512001234", True),
        ("976202401990001", True),
        ("977202401000001", False),  # only 971-976 overseas
        ("035202513000123", False),  # month 13
        ("035202500000123", False),  # month 00
        ("02C202212000000", False),
        ("35202509000123", False),  # 14 characters
        ("0352025090001234", False),  # 16 characters
        ("035202509AB0123", False),
    ],
)
def test_contract_number(number, valid):
    assert is_valid_contract_number(number) is valid


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("FR76 3000 6000 0112 3456 7890 189", True),
        ("FR7630006000011234567890189", True),
        ("FR7630006000011234567890188", False),
        ("FR763000600001123456789018", False),
        ("DE89370400440532013000", True),
    ],
)
def test_iban(iban, valid):
    assert is_valid_iban(iban) is valid
