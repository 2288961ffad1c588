"""The digest email's frame (subject, text and HTML templates: emails/digest_subject.txt, digest.txt, digest.html)
rendered once per shape instead of once per email (issue 18: a quarter of the CPU of a digest went to these three
templates).

A digest's frame depends on a few facts (its portal, which parts it has, how many dossiers have new messages,
whether the user has a first name, the test flag) and on values of its own (the first name, the unsubscribe link,
the dossiers' parts). The frame of each shape is rendered through the templates with a slot marker in place of each
value of its own; an email is then the frame with its values in the slots, escaped as the templates escape them
(HTML: django.utils.html.conditional_escape; text: as they are). The output is the templates' output, byte for byte
(tests/digests/test_digests.py compares both ways). A digest with échéances ("À venir cette semaine", rendered by a
loop over the deadlines in the templates) is rendered through the templates in full.
"""

import functools
import re

from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from common.emails import build_email

# A slot in a rendered frame: NUL characters never occur in a template or a value of the portal's emails.
_SLOT = "\x00{}\x00"
_SLOT_RE = re.compile("\x00([a-z_]+)\x00")
_TO = "frame@invalid"
_HTML_SLOTS = ("first_name", "unsubscribe_url", "messages_html", "documents_html", "invoices_html")


class _News:
    """A dossier's part in the frame: its HTML and text are slots (the templates loop over the invoices)."""

    def __init__(self, part):
        self.html = mark_safe(_SLOT.format(f"{part}_html"))
        self.text = _SLOT.format(f"{part}_text")


class _Content:
    """What the templates read of a DigestContent, the values of its own as slots."""

    def __init__(self, messages: int, documents: bool, invoices: bool):
        self.messages = [None] * messages  # the text says on how many dossiers (|length, |pluralize)
        self.documents = [None] if documents else []
        self.invoices = [_News("invoices")] if invoices else []
        self.upcoming = []
        self.messages_html = mark_safe(_SLOT.format("messages_html"))
        self.messages_text = _SLOT.format("messages_text")
        self.documents_html = mark_safe(_SLOT.format("documents_html"))
        self.documents_text = _SLOT.format("documents_text")


@functools.lru_cache(maxsize=512)
def _frame(key) -> tuple[str, list[str], list[str]]:
    """The subject, and the text and HTML split at their slots (odd items are slot names)."""
    context, _site, _contacts = key
    context = dict(context)
    context["content"] = _Content(*context.pop("shape"))
    if context["first_name"]:
        context["first_name"] = mark_safe(_SLOT.format("first_name"))
    context["unsubscribe_url"] = mark_safe(_SLOT.format("unsubscribe_url"))
    message = build_email("digest", context, [_TO])
    [(html, _)] = message.alternatives
    return message.subject, _SLOT_RE.split(message.body), _SLOT_RE.split(html)


def _fill(pieces: list[str], values: dict) -> str:
    return "".join(values[piece] if index % 2 else piece for index, piece in enumerate(pieces))


def render(context: dict) -> tuple[str, str, str] | None:
    """The subject, text and HTML of the digest with this context (build_digest_email's), or None when its shape
    is not served from a frame (a digest with échéances)."""
    content = context["content"]
    if content.upcoming:
        return None
    shape = (len(content.messages), bool(content.documents), bool(content.invoices))
    fixed = {name: value for name, value in context.items() if name not in ("content", "first_name", "unsubscribe_url")}
    key = (
        tuple(sorted({**fixed, "shape": shape, "first_name": bool(context["first_name"])}.items())),
        settings.SITE_URL,
        settings.REGIONAL_CONTACTS_URL,
    )
    subject, text, html = _frame(key)
    invoices_html = mark_safe("".join(news.html for news in content.invoices))
    values = {
        "first_name": context["first_name"],
        "unsubscribe_url": context["unsubscribe_url"],
        "messages_html": content.messages_html,
        "messages_text": content.messages_text,
        "documents_html": content.documents_html,
        "documents_text": content.documents_text,
        "invoices_html": invoices_html,
        "invoices_text": "".join(news.text for news in content.invoices),
    }
    escaped = {name: conditional_escape(values[name]) for name in _HTML_SLOTS}
    return subject, _fill(text, values), _fill(html, escaped)
