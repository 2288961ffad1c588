"""What the member account shows a company user: only the returns and payments of the establishments they are
attached to in eGestion (narrowed by the header's switcher)."""

from accounts.models import Portal
from contributions.models import ContributionPayment, ContributionReturn
from payments.selectors import visible_establishments


def establishments_of(user, establishment_ids):
    return visible_establishments(user, Portal.EGESTION, establishment_ids)


def returns_for(user, establishment_ids):
    return ContributionReturn.objects.filter(establishment__in=establishments_of(user, establishment_ids))


def payments_for(user, establishment_ids):
    return ContributionPayment.objects.filter(establishment__in=establishments_of(user, establishment_ids))
