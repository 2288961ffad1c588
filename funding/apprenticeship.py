"""The apprenticeship contract request (CERFA FA13), the twin of funding/plan.py: how the portal fills a draft's
CERFA fields from what it already knows — the registry (the employer establishment), the persons of the company,
the referentials (CFA, diploma, RNCP, collective agreement) — and what it derives when a step is saved. The rule
engine (dossiers.cerfa) stays the only place that validates a field or derives one from others (`normalise`):
this module only maps data the portal holds onto field ids, so the wizard, the API and the back office share it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from accounts.models import Civility, Person
from dossiers.cerfa import is_btp_agreement, is_disability_extension, suggest_rows
from dossiers.cerfa.codes import MAYOTTE_POSTCODE_PREFIX, smic_monthly
from dossiers.cerfa.fields import (
    REMUNERATION_PARTS,
    REMUNERATION_PERIODS,
    REMUNERATION_YEARS,
    remuneration_id,
)
from dossiers.cerfa.normalise import (
    normalise,
    parse_date,
    parse_decimal,
)
from dossiers.cerfa.remuneration import minimum_amount
from referentials.models import REPETITION_WORDS


def address_fields(prefix: str, indice: bool = True) -> tuple[str, ...]:
    parts = ["numero", *(["indice_repetition"] if indice else []), "voie", "complement", "code_postal", "commune"]
    return tuple(f"{prefix}_{part}" for part in parts)


REMUNERATION_FIELDS = tuple(
    remuneration_id(year, period, part)
    for year in REMUNERATION_YEARS
    for period in REMUNERATION_PERIODS
    for part in REMUNERATION_PARTS
)


_STREET_NUMBER = re.compile(r"^\s*([1-9]\d{0,4})\s*(BIS|TER|QUATER|QUINQUIES|[BTQC])?\b[\s,]*(.*)$", re.IGNORECASE)


_REPETITION_LETTERS = {"BIS": "B", "TER": "T", "QUATER": "Q", "QUINQUIES": "C"}


def split_street(line: str) -> dict[str, str]:
    """ "12 bis rue des Tanneurs" → numero 12, indice B, voie "rue des Tanneurs"."""
    line = (line or "").strip()
    match = _STREET_NUMBER.match(line)
    if not match or not match.group(3):
        return {"voie": line}
    indice = (match.group(2) or "").upper()
    return {
        "numero": match.group(1),
        "indice_repetition": _REPETITION_LETTERS.get(indice, indice),
        "voie": match.group(3),
    }


def establishment_values(establishment) -> dict[str, str]:
    """The registry fields of the employer, from the establishment chosen for the draft (read-only in the form).
    "Nom et prénom ou dénomination" is the legal name (raison sociale), never the enseigne (notice of the CERFA)."""
    values = {
        "employeur_denomination": establishment.name[:80],
        "employeur_siret": establishment.siret,
        "employeur_adresse_complement": establishment.address_line2[:80],
        "employeur_adresse_code_postal": establishment.postal_code,
        "employeur_adresse_commune": establishment.city,
    }
    street = split_street(establishment.address_line1)
    for part in ("numero", "indice_repetition", "voie"):
        values[f"employeur_adresse_{part}"] = street.get(part, "")
    return values


def establishment_readonly(establishment) -> frozenset[str]:
    """The employer fields the establishment fills (those it leaves empty stay editable)."""
    return frozenset(field_id for field_id, value in establishment_values(establishment).items() if value) | {
        "employeur_denomination",
        "employeur_siret",
    }


def registry_prefill(establishment) -> dict[str, Any]:
    """What the registry knows that the CERFA asks and the employer may still correct: NAF, headcount, IDCC."""
    values = {
        "employeur_code_naf": establishment.naf_code,
        "employeur_effectif": establishment.headcount,
        "employeur_code_idcc": establishment.idcc,
    }
    title = idcc_title(establishment.idcc)
    if title:
        values["employeur_libelle_idcc"] = title
    return {key: value for key, value in values.items() if value not in (None, "")}


def initial_draft_data(establishment, *, contact=None) -> dict:
    """A new draft: the employer from the registry and, as the person to contact, the user who fills the form
    (`contact`, a User; the guide shows them pre-filled and editable)."""
    values = {key: value for key, value in establishment_values(establishment).items() if value}
    data = {"employeur_prive_public": "prive", **values, **registry_prefill(establishment)}
    if contact is not None:
        data.update({key: value for key, value in contact_values(establishment, contact).items() if value})
    return data


def contact_person(establishment, user) -> Person | None:
    """The company's Person record of the portal user (same e-mail), created from the account when there is none."""
    if not (user.last_name and user.first_name):
        return None
    person = (
        Person.objects.filter(organisation_id=establishment.organisation_id, erased_at__isnull=True)
        .filter(email__iexact=user.email)
        .order_by("pk")
        .first()
    )
    if person is None:
        person = Person.objects.create(
            organisation_id=establishment.organisation_id,
            establishment=establishment,
            civility=user.civility,
            last_name=user.last_name,
            first_name=user.first_name,
            email=user.email,
            phone=user.phone[:20],
            job_title=user.function[:200],
        )
    return person


def contact_values(establishment, user) -> dict:
    """The contact person's fields of the employer block, filled with the user who fills the form."""
    person = contact_person(establishment, user)
    if person is not None:
        return person_values("employeur", person)
    return {"employeur_telephone": international_phone(user.phone) or None, "employeur_courriel": user.email}


PERSON_TARGETS = {
    "employeur": "la personne à contacter",
    "apprenti": "l'apprenti(e)",
    "maitre1": "le maître d'apprentissage n°1",
    "maitre2": "le maître d'apprentissage n°2",
}


def person_key(target: str) -> str:
    return f"{target}_person_id"


def international_phone(phone: str) -> str:
    """ "05 61 12 34 56" → "+33561123456" (the CERFA's format); other numbers are kept, without spaces."""
    compact = re.sub(r"[\s.\-()]", "", phone or "")
    if re.fullmatch(r"0[1-9]\d{8}", compact):
        return f"+33{compact[1:]}"
    if compact.startswith("00"):
        return f"+{compact[2:]}"
    return compact


def person_values(target: str, person: Person) -> dict:
    """The fields of the draft a person fills when chosen for `target` (empty values clear the previous person's)."""
    birth = person.birth_date.isoformat() if person.birth_date else None
    if target == "employeur":
        return {
            "employeur_telephone": international_phone(person.phone) or None,
            "employeur_courriel": person.email or None,
            person_key(target): person.pk,
        }
    if target == "apprenti":
        street = split_street(person.address_line1)
        sexe = {Civility.MONSIEUR: "M", Civility.MADAME: "F"}.get(person.civility)
        return {
            "apprenti_nom_naissance": person.last_name,
            "apprenti_prenom": person.first_name,
            "apprenti_date_naissance": birth,
            "apprenti_sexe": sexe,
            "apprenti_nir": person.nir or None,
            "apprenti_courriel": person.email or None,
            "apprenti_telephone": international_phone(person.phone) or None,
            "apprenti_adresse_numero": street.get("numero") or None,
            "apprenti_adresse_indice_repetition": street.get("indice_repetition") or None,
            "apprenti_adresse_voie": street.get("voie") or None,
            "apprenti_adresse_code_postal": person.postal_code or None,
            "apprenti_adresse_commune": person.city or None,
            person_key(target): person.pk,
        }
    return {
        f"{target}_nom_naissance": person.last_name,
        f"{target}_prenom": person.first_name,
        f"{target}_date_naissance": birth,
        f"{target}_courriel": person.email or None,
        f"{target}_emploi_occupe": person.job_title[:80] or None,
        person_key(target): person.pk,
    }


def cleared_person(target: str) -> dict:
    """Remove the person of `target`: the fields it filled, and its id."""
    return dict.fromkeys(person_values(target, Person(pk=0, last_name="", first_name="")), None)


CFA_FIELDS = ("cfa_denomination", "cfa_uai", "cfa_siret", *address_fields("cfa_adresse", indice=False))


def cfa_values(centre) -> dict:
    """A CFA of the referential, into the CERFA's CFA block (read-only once chosen)."""
    street = " ".join(filter(None, [REPETITION_WORDS.get(centre.repetition_index, ""), centre.street]))
    return {
        "cfa_denomination": (centre.name or centre.sign)[:80],
        "cfa_uai": centre.uai,
        "cfa_siret": centre.siret or None,
        "cfa_adresse_numero": centre.street_number or None,
        "cfa_adresse_voie": street[:80] or None,
        "cfa_adresse_complement": centre.address_complement[:80] or None,
        "cfa_adresse_code_postal": centre.postal_code or None,
        "cfa_adresse_commune": centre.city[:80] or None,
    }


def diploma_values(diploma) -> dict:
    """A diploma of the referential: its code, its title (editable afterwards) and the §3.7 type it implies."""
    values = {"formation_code_diplome": diploma.cfd, "formation_intitule_precis": diploma.title[:255]}
    if diploma.diploma_type_code:
        values["formation_diplome_vise_code"] = diploma.diploma_type_code
    return values


def rncp_values(certification, *, keep_title: bool = True) -> dict:
    """An RNCP certification: its code, and its title when the draft has none yet."""
    values = {"formation_code_rncp": certification.code}
    if not keep_title:
        values["formation_intitule_precis"] = certification.title[:255]
    return values


def idcc_title(idcc: Any) -> str:
    """The agreement's title from the KALI referential, for the derived "libellé" of the form."""
    if not idcc:
        return ""
    from referentials.codes import normalise_idcc
    from referentials.models import CollectiveAgreement

    return CollectiveAgreement.objects.filter(idcc=normalise_idcc(idcc)).values_list("title", flat=True).first() or ""


def suggested_remuneration(data: dict) -> dict[str, str]:
    """The remuneration rows at the highest applicable minimum (suggest_rows: the BTP branch agreement's when the
    IDCC is a building-trades one, else the legal one), when the birth date and the contract dates allow."""
    birth = parse_date(data.get("apprenti_date_naissance"))
    start = parse_date(data.get("contrat_date_debut_execution"))
    end = parse_date(data.get("contrat_date_fin"))
    if not (birth and start and end) or end <= start or birth >= start:
        return {}
    smc = parse_decimal(data.get("contrat_smc_montant"))
    mayotte = str(data.get("employeur_adresse_code_postal") or "").startswith(MAYOTTE_POSTCODE_PREFIX)
    values = {}
    for row in suggest_rows(
        birth,
        start,
        end,
        smc=smc,
        mayotte=mayotte,
        disability_extension=is_disability_extension(data),
        btp=uses_btp_grid(data),
    ):
        values.update(row.as_payload())
    return values


def derived_values(draft, slug: str, values: dict) -> dict:
    """What the portal fills itself when a step is saved: the establishment's registry fields, the collective
    agreement's title, "Fait le" (derived by the engine), the remuneration rows when there are none."""
    derived = {}
    merged = {**draft.data, **values}  # what the draft will hold (a field the POST did not carry keeps its value)
    if slug == "employeur":
        registry = establishment_values(draft.employer_establishment)
        for field_id in establishment_readonly(draft.employer_establishment):
            derived[field_id] = registry.get(field_id) or None
        derived["employeur_libelle_idcc"] = idcc_title(merged.get("employeur_code_idcc")) or None
    if slug in ("contrat", "validation"):
        derived["signature_fait_le"] = normalise(merged)["signature_fait_le"]
    if slug == "contrat" and not any(merged.get(field_id) for field_id in REMUNERATION_FIELDS):
        # No row at all: they are proposed at the legal minimum as soon as the dates allow.
        derived.update(suggested_remuneration(merged))
    return derived


def uses_btp_grid(data: dict) -> bool:
    """Whether the draft's pay rows follow the BTP branch grid (its IDCC is a building-trades agreement)."""
    return is_btp_agreement(data.get("employeur_code_idcc"))


def monthly_reference(data: dict, base: Any) -> Decimal | None:
    """The monthly amount a row's percentage applies to: the SMC declared when the row's base is "SMC", else the
    SMIC in force at the start of the contract (Mayotte's in Mayotte), as the rule REM-SALAIRE reads it."""
    if str(base or "") == "SMC":
        return parse_decimal(data.get("contrat_smc_montant"))
    start = parse_date(data.get("contrat_date_debut_execution"))
    if start is None:
        return None
    mayotte = str(data.get("employeur_adresse_code_postal") or "").startswith(MAYOTTE_POSTCODE_PREFIX)
    return smic_monthly(start, mayotte=mayotte)


def gross_monthly_amount(data: dict, rate: Any, base: Any) -> Decimal | None:
    """The gross monthly pay of a remuneration row: its percentage of the reference, rounded up to the cent."""
    rate = parse_decimal(rate)
    reference = monthly_reference(data, base)
    if rate is None or reference is None:
        return None
    return minimum_amount(rate, reference)
