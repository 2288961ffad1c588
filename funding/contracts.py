"""What the portals show of an apprenticeship contract after its transmission: whether the employer may declare a
change (avenant, rupture), the rupture declared and the versions of the contract. One query per part."""

from __future__ import annotations

from dataclasses import dataclass, field

from dossiers.models import Dossier, Scheme
from funding.models import ContractRupture
from funding.ruptures import contract_problem


@dataclass
class ContractState:
    can_declare: bool = False
    rupture: ContractRupture | None = None
    versions: list = field(default_factory=list)


def contract_state(dossier: Dossier) -> ContractState:
    """Empty for a dossier that is not an apprenticeship contract (nothing to show)."""
    if dossier.scheme != Scheme.ALTE:
        return ContractState()
    from funding.avenants import versions

    return ContractState(
        can_declare=contract_problem(dossier) is None,
        rupture=ContractRupture.objects.filter(dossier=dossier).first(),
        versions=versions(dossier),
    )
