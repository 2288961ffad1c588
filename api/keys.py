"""API keys: create (the secret is returned once), revoke, authenticate, and the establishments a key covers.

A key is `ctys_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole key is compared in constant
time. Every creation and revocation is an account event of the creator (accounts.AccountEvent).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ADMIN_ROLES, AccountEventKind, Membership, Portal
from accounts.services import record_event
from api.models import ApiKey, ApiScope

KEY_START = "ctys_"
MAX_VALIDITY_DAYS = 366
# last_used_at is written at most once a minute per key: a busy integration must not write a row per call.
LAST_USE_PRECISION = timedelta(minutes=1)


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def manageable_establishments(memberships):
    """The establishments a user may put under a key: those where they are account manager or référent."""
    return [m.establishment for m in memberships if m.role in ADMIN_ROLES]


def keys_of(user, portal):
    return ApiKey.objects.filter(created_by=user, portal=portal).prefetch_related("establishments")


@dataclass
class NewKey:
    key: ApiKey
    secret: str  # the whole key, shown once


@transaction.atomic
def create_key(*, user, portal, name, scope, establishments, expires_on, allowed_establishments) -> NewKey:
    """`allowed_establishments`: those the user manages in `portal` (manageable_establishments); the chosen ones
    must be among them."""
    allowed_ids = {e.pk for e in allowed_establishments}
    chosen = list(establishments)
    if not chosen:
        raise ValidationError("Choisissez au moins un établissement.", code="required")
    if any(e.pk not in allowed_ids for e in chosen):
        raise PermissionDenied("Vous ne gérez pas l'un de ces établissements.")
    if scope not in ApiScope.values:
        raise ValidationError("Droits inconnus.", code="invalid")
    today = timezone.localdate()
    if not today < expires_on <= today + timedelta(days=MAX_VALIDITY_DAYS):
        raise ValidationError(
            f"La date d'expiration doit être dans les {MAX_VALIDITY_DAYS} prochains jours.", code="expiry"
        )
    prefix = secrets.token_hex(4)
    raw = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timezone.make_aware(timezone.datetime.combine(expires_on, timezone.datetime.min.time()))
    key = ApiKey.objects.create(
        name=name,
        portal=portal,
        scope=scope,
        prefix=prefix,
        secret_hash=_hash(raw),
        created_by=user,
        expires_at=expires_at,
    )
    key.establishments.set(chosen)
    record_event(
        user,
        AccountEventKind.API_KEY_CREATED,
        actor=user,
        organisation=chosen[0].organisation,
        key=key.prefix,
        name=name,
        scope=scope,
        establishments=[e.siret for e in chosen],
        expires_on=expires_on.isoformat(),
    )
    return NewKey(key, raw)


@transaction.atomic
def revoke_key(key: ApiKey, *, actor) -> ApiKey:
    """Immediate: the next call with the key answers 401. Revoking twice changes nothing."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.revoked_by = actor
        key.save(update_fields=["revoked_at", "revoked_by"])
        record_event(key.created_by, AccountEventKind.API_KEY_REVOKED, actor=actor, key=key.prefix, name=key.name)
    return key


def key_scope(key: ApiKey) -> list[int]:
    """The establishments the key may read today: those chosen for it that its creator still manages in the key's
    portal (active account manager or référent membership of an active user). Empty when the creator was
    deactivated, left them, or was demoted: a plain user may neither create nor revoke a key (api.views), so a key
    they could no longer revoke must not outlive their managing role."""
    chosen = [e.pk for e in key.establishments.all()]
    return sorted(
        Membership.objects.managing(Portal(key.portal))
        .filter(user_id=key.created_by_id, establishment_id__in=chosen)
        .values_list("establishment_id", flat=True)
        .distinct()
    )


def authenticate(raw_key: str):
    """The usable key of that secret with its establishments, or None (unknown, revoked, expired, or whose creator
    no longer reaches any of its establishments)."""
    raw_key = (raw_key or "").strip()
    if not raw_key.startswith(KEY_START):
        return None
    prefix, _, secret = raw_key.removeprefix(KEY_START).partition("_")
    if not prefix or not secret:
        return None
    key = ApiKey.objects.usable().select_related("created_by").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(raw_key)):
        return None
    if not key.created_by.is_active:
        return None
    establishment_ids = key_scope(key)
    if not establishment_ids:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USE_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    key.establishment_ids = establishment_ids
    return key
