"""Optional look-ups against referentials (§5.13), passed in by the caller so that `validate()` stays pure.

Every hook is optional; a hook that is missing, or that answers None ("could not tell"), skips its rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

IdccStatus = Literal["en_vigueur", "abroge", "inconnu"]
RncpStatus = Literal["active", "inactive", "inconnu"]


@dataclass(frozen=True)
class Referentials:
    # SIRENE: True = known and open, False = unknown or closed → EMP-SIRET-ACTIF
    siret_active: Callable[[str], bool | None] | None = None
    # SIRENE: INSEE legal-form code of the establishment's company (e.g. "5710") → W-TYPE-SUGGESTION
    legal_form: Callable[[str], str | None] | None = None
    # KALI: legal status of a convention → EMP-IDCC-INCONNU ("inconnu"), W-IDCC-VIGUEUR ("abroge")
    idcc_status: Callable[[str], IdccStatus | None] | None = None
    # RNCP: status of a certification → FOR-RNCP-ACTIF
    rncp_status: Callable[[str], RncpStatus | None] | None = None
    # RNCP / BCN: whether a code diplôme (CFD) and an RNCP code designate the same certification → W-CFD-RNCP
    cfd_rncp_linked: Callable[[str, str], bool | None] | None = None
    # Portal: how many active contracts the maître (nom, prénom, date de naissance ISO) already follows → W-MA-CHARGE
    maitre_active_contracts: Callable[[str, str, str], int | None] | None = None
