"""Who may enter eGestion: a company user with at least one membership (accounts.access)."""

from accounts.access import portal_member_required
from accounts.models import Portal

egestion_required = portal_member_required(Portal.EGESTION)
