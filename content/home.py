"""What staff write for a portal's home page (the "INFORMATIONS" announcements and the help resources), rendered
once and kept in the cache rather than read and rendered again on every home page (issue 18).

Exact invalidation: every kept rendering carries the *generation* of the content it was read under. Saving or
deleting an announcement or a help resource sets a new generation (at once, and again when its transaction commits),
and a rendering of another generation is not used. A home page reads both keys in one round trip and reads the
generation before the database, so a rendering it keeps is never newer than its generation claims. Announcements
also come and go by their dates: a rendering is kept until the next start or end of one of them. Writes that bypass
`save()` (bulk or SQL) call `forget_home_content()`. Without Redis, each home page reads and renders them again.
A rendering read from the cache is also kept for 2 seconds in the worker's memory (common.cache.ProcessMemo), so the
other workers may show a change, or an announcement's start or end, up to 2 seconds late.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from accounts.models import Portal
from common.cache import ProcessMemo
from content.models import help_resources_by_section, upcoming_announcements

GENERATION_KEY = "content:home:generation"
# Longest a rendering is kept, whatever its dates say: a safety net, not the invalidation.
MAX_AGE = datetime.timedelta(hours=1)
# A rendering read from the cache is also kept in the worker's memory this long: a change in the back office shows
# at once in the worker that saved it, within 2 seconds in the others.
_kept_in_process = ProcessMemo(seconds=2)
PORTAL_LABELS = {Portal.EGESTION: "eGestion", Portal.OGESTION: "oGestion"}


@dataclass(frozen=True)
class HomeContent:
    generation: str | None
    announcements: SafeString  # "" when none is published now
    help_highlights: SafeString  # the highlighted resources and the regulatory information
    help_resources: SafeString  # the guide and the modes opératoires


def home_content(portal: str) -> HomeContent:
    """The announcements and help resources of `portal`'s home page as they are published now, rendered."""
    key = f"content:home:{portal}"
    process_key = cache.make_key(key)
    content = _kept_in_process.get(process_key)
    if content is not None:
        return content
    kept = cache.get_many([GENERATION_KEY, key])
    generation, content = kept.get(GENERATION_KEY), kept.get(key)
    if content is not None and generation is not None and content.generation == generation:
        # Only what the shared cache holds of the current generation: a rendering this page made may already be
        # stale (a change committed while it rendered), the next page reads the generation again.
        _kept_in_process.keep(process_key, content)
        return content
    if generation is None and cache.add(GENERATION_KEY, token := uuid.uuid4().hex, timeout=None):
        generation = token  # set before the database is read: a change from now on sets another one
    now = timezone.now()
    content, next_change = _rendered(portal, generation, now)
    if generation is not None:
        kept_until = min(next_change or now + MAX_AGE, now + MAX_AGE)
        cache.set(key, content, timeout=max(1, int((kept_until - now).total_seconds())))
    return content


def forget_home_content(**signal_kwargs) -> None:
    """A new generation: every kept rendering is read and rendered again (see the module's docstring)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    _kept_in_process.forget()
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _rendered(portal: str, generation, now) -> tuple[HomeContent, datetime.datetime | None]:
    announcements, next_change = upcoming_announcements(portal, now)
    context = {
        "announcements": announcements,
        "help_sections": help_resources_by_section(portal),
        "portal_label": PORTAL_LABELS[portal],
        # What {% portal_url %} reads: the links of the portal the page belongs to.
        "portal_namespace": str(portal),
    }
    content = HomeContent(
        generation=generation,
        announcements=render_to_string("portal/announcements.html", context) if announcements else SafeString(""),
        help_highlights=render_to_string("portal/help_highlights.html", context),
        help_resources=render_to_string("portal/help_resources.html", context),
    )
    return content, next_change
