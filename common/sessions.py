"""The session engine (settings.SESSION_ENGINE): Django's database sessions, whose one read per request runs a
prepared query (common.prepared) instead of building the same SQL again on every page.

Sessions stay in PostgreSQL on purpose: a logout is final even while Redis is down (docs/operations.md).
"""

import logging

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from common.prepared import PreparedQuery


def _live_session(session_key, now):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=session_key, expire_date__gt=now)[:1]


_LIVE_SESSION = PreparedQuery(_live_session, name="session")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            session = _LIVE_SESSION.first(self.session_key, timezone.now()) if self.session_key else None
        except SuspiciousOperation as error:
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            session = None
        if session is None:
            self._session_key = None
        return session
