"""Identifiers with valid check digits, computed the way the registries compute them."""

from stdnum import iban as stdnum_iban

from accounts.validators import luhn_complete, uai_check_letter


def siren(base8: str) -> str:
    """8 digits + the Luhn check digit."""
    return luhn_complete(base8)


def siret(siren_: str, nic4: int) -> str:
    """The SIREN, a 4-digit NIC number and the Luhn check digit over the 13 digits."""
    return luhn_complete(f"{siren_}{nic4:04d}")


def uai(digits7: str) -> str:
    return digits7 + uai_check_letter(digits7)


def rib_key(bank: str, branch: str, account: str) -> str:
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def french_iban(bank: str, branch: str, account: str) -> str:
    """A French IBAN whose RIB key and IBAN check digits are both right."""
    bban = f"{bank}{branch}{account}{rib_key(bank, branch, account)}"
    return f"FR{stdnum_iban.calc_check_digits('FR00' + bban)}{bban}"
