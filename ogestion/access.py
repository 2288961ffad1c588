"""Who may enter oGestion: a training provider's user with at least one membership (accounts.access)."""

from accounts.access import portal_member_required
from accounts.models import Portal

ogestion_required = portal_member_required(Portal.OGESTION)
