"""What the member account shows a company user: only the returns and payments of the establishments they are
attached to in eGestion (narrowed by the header's switcher)."""

from django.db import models

from accounts.models import Portal
from common.paginators import KnownCountMixin
from contributions.models import ContributionPayment, ContributionReturn
from payments.selectors import visible_establishments


def establishments_of(user, establishment_ids):
    return visible_establishments(user, Portal.EGESTION, establishment_ids)


def returns_for(user, establishment_ids):
    return ContributionReturn.objects.filter(establishment__in=establishments_of(user, establishment_ids))


def payments_for(user, establishment_ids):
    return ContributionPayment.objects.filter(establishment__in=establishments_of(user, establishment_ids))


class _CountedReturns(KnownCountMixin, models.QuerySet):
    """The account's list of returns, whose count (the paginator's) the overview already read."""


def account_returns(establishment_ids, count: int):
    """The returns of the member account's list, latest year first. `establishment_ids` is the request's
    (accounts.access: the establishments of the user's active eGestion memberships, narrowed by the switcher), so
    the scope needs no other query; `count` is their number from the overview (`YearSummary.returns`)."""
    returns = (
        ContributionReturn.objects.filter(establishment_id__in=list(establishment_ids))
        .select_related("establishment")
        .order_by("-year", "establishment__name", "id")
    )
    counted = _CountedReturns(model=ContributionReturn, query=returns.query)
    counted.known_count = count
    return counted
