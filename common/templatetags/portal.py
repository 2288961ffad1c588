"""Template helpers of the portal shells: icons, menu URLs, and the contact details shown on every page.

{% load portal %}
{% icon "folder" %}                      inline SVG, decorative (aria-hidden)
{% icon "phone" size=32 class="x" %}     bigger, with an extra CSS class
{% portal_url "home" %}                  URL of an entry of the current portal (uses `portal_namespace`)
{% portal_url entry.url_name as url %}   ... kept in a variable
{% support_phone %}  {% regional_contacts_url %}   from settings, on pages outside the portals too
{% url_pattern "egestion:dossier" as dossier_url %} {{ dossier_url|fill:dossier.number }}   links in long lists
{% site_url "account_logout" %}  {% asset "css/portal.css" %}   {% url %} and {% static %}, once per process
{{ amount|amount }}                       87 518,50 € (tables of amounts)
"""

import functools
from urllib.parse import quote

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import mark_safe

from common import rows
from common.formats import format_amount

register = template.Library()

# 24x24 stroke icons drawn for the portal (round caps, 2px stroke, `currentColor`), one SVG element a string.
ICONS = {
    "home": (
        '<path d="M3 10.5 12 3l9 7.5"/>',
        '<path d="M5 9v12h14V9"/>',
        '<path d="M10 21v-6h4v6"/>',
    ),
    "mail": (
        '<rect x="3" y="5" width="18" height="14" rx="2"/>',
        '<path d="m3.5 6.5 8.5 6.5 8.5-6.5"/>',
    ),
    "send": (
        '<path d="M21 3 10 14"/>',
        '<path d="M21 3 14.5 21l-4.5-7-7-4.5z"/>',
    ),
    "folder": ('<path d="M3 7a2 2 0 0 1 2-2h4l2 2.5h8a2 2 0 0 1 2 2V18a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"/>',),
    "euro": (
        '<path d="M18.5 6.2A7.5 7.5 0 1 0 18.5 17.8"/>',
        '<path d="M3.5 10h10"/>',
        '<path d="M3.5 14h8"/>',
    ),
    "calculator": (
        '<rect x="5" y="2.5" width="14" height="19" rx="2"/>',
        '<path d="M8.5 6.5h7v3h-7z"/>',
        '<path d="M8.5 13.5h.01M12 13.5h.01M15.5 13.5h.01M8.5 17.5h.01M12 17.5h.01M15.5 17.5h.01"/>',
    ),
    "clipboard": (
        '<rect x="8" y="2.5" width="8" height="4" rx="1"/>',
        '<path d="M16 4.5h2a2 2 0 0 1 2 2V20a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6.5a2 2 0 0 1 2-2h2"/>',
        '<path d="m9 14 2 2 4-4"/>',
    ),
    "receipt": (
        '<path d="M5 2.5v19l2.5-1.5 2.5 1.5 2-1.5 2 1.5 2.5-1.5 2.5 1.5v-19L16.5 4 14 2.5 12 4l-2-1.5L7.5 4z"/>',
        '<path d="M9 8.5h6M9 12h6M9 15.5h4"/>',
    ),
    "building": (
        '<rect x="4" y="2.5" width="16" height="19" rx="1.5"/>',
        '<path d="M9.5 21.5v-4h5v4"/>',
        '<path d="M8 6.5h.01M12 6.5h.01M16 6.5h.01M8 10h.01M12 10h.01M16 10h.01M8 13.5h.01M12 13.5h.01M16 13.5h.01"/>',
    ),
    "users": (
        '<circle cx="9" cy="8" r="3.5"/>',
        '<path d="M2.5 20.5v-1A4.5 4.5 0 0 1 7 15h4a4.5 4.5 0 0 1 4.5 4.5v1"/>',
        '<path d="M16 4.6a3.5 3.5 0 0 1 0 6.8"/>',
        '<path d="M21.5 20.5v-1a4.5 4.5 0 0 0-3-4.2"/>',
    ),
    "shield": (
        '<path d="M12 21.5s8-3.6 8-9.5V5.5L12 2.5l-8 3V12c0 5.9 8 9.5 8 9.5z"/>',
        '<path d="m8.5 12 2.5 2.5 4.5-4.5"/>',
    ),
    # Interface icons.
    "user": (
        '<circle cx="12" cy="8" r="4"/>',
        '<path d="M4 21v-1a6 6 0 0 1 6-6h4a6 6 0 0 1 6 6v1"/>',
    ),
    "phone": (
        '<path d="M5 3.5h3.2l1.8 4.6-2.3 1.5a11.5 11.5 0 0 0 6.7 6.7l1.5-2.3 4.6 1.8V19'
        ' a2 2 0 0 1-2.1 2A16.5 16.5 0 0 1 3 5.6a2 2 0 0 1 2-2.1z"/>',
    ),
    "logout": (
        '<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4"/>',
        '<path d="m16 17 5-5-5-5"/>',
        '<path d="M21 12H9"/>',
    ),
    "menu": ('<path d="M4 6h16M4 12h16M4 18h16"/>',),
    "close": ('<path d="M6 6l12 12M18 6 6 18"/>',),
    "alert": (
        '<path d="M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z"/>',
        '<path d="M12 9v4M12 17h.01"/>',
    ),
    "info": (
        '<circle cx="12" cy="12" r="9.5"/>',
        '<path d="M12 16.5v-5M12 7.5h.01"/>',
    ),
    "check": ('<path d="M20 6 9 17l-5-5"/>',),
    "pencil": ('<path d="M12 20h9"/>', '<path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z"/>'),
    "check-circle": (
        '<circle cx="12" cy="12" r="9.5"/>',
        '<path d="m8 12.5 2.5 2.5L16 9.5"/>',
    ),
    "clock": (
        '<circle cx="12" cy="12" r="9.5"/>',
        '<path d="M12 6.5V12l3.5 2"/>',
    ),
    "arrow-left": ('<path d="M19 12H5M11 18l-6-6 6-6"/>',),
    "arrow-right": ('<path d="M5 12h14M13 6l6 6-6 6"/>',),
    "external": (
        '<path d="M14 3h7v7"/>',
        '<path d="M10 14 21 3"/>',
        '<path d="M19 14v5a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2h5"/>',
    ),
    "chevron-down": ('<path d="m6 9 6 6 6-6"/>',),
    "lock": (
        '<rect x="4" y="10.5" width="16" height="11" rx="2"/>',
        '<path d="M8 10.5V7a4 4 0 0 1 8 0v3.5"/>',
    ),
    "bank": (
        '<path d="M3 21h18M3.5 9.5h17M12 3 3.5 7.5v2h17v-2z"/>',
        '<path d="M6 9.5V18M10 9.5V18M14 9.5V18M18 9.5V18"/>',
    ),
    "briefcase": (
        '<rect x="2.5" y="7" width="19" height="13.5" rx="2"/>',
        '<path d="M8.5 7V5a2 2 0 0 1 2-2h3a2 2 0 0 1 2 2v2"/>',
        '<path d="M2.5 13h19"/>',
    ),
    "school": (
        '<path d="M22 9.5 12 4.5 2 9.5l10 5z"/>',
        '<path d="M6 11.5V17c3.3 2.7 8.7 2.7 12 0v-5.5"/>',
        '<path d="M22 9.5v5"/>',
    ),
    "sliders": ('<path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1.5 14h5M9.5 8h5M17.5 16h5"/>',),
    "help": (
        '<circle cx="12" cy="12" r="9.5"/>',
        '<path d="M9.3 9.2a2.8 2.8 0 0 1 5.4 1c0 1.9-2.7 2.6-2.7 2.6"/>',
        '<path d="M12 17h.01"/>',
    ),
    "contact": (
        '<rect x="3" y="4" width="18" height="16" rx="2"/>',
        '<circle cx="9" cy="10.5" r="2.5"/>',
        '<path d="M5.5 16.5a3.5 3.5 0 0 1 7 0M15 9h3M15 13h3"/>',
    ),
}
FALLBACK_ICON = ('<circle cx="12" cy="12" r="8"/>',)


@register.simple_tag
def icon(name, size=20, **kwargs):
    """An inline SVG icon; decorative, so hidden from assistive technologies (give the link or button a text)."""
    return _icon(name, size, kwargs.get("class", ""))


# A page draws the same few icons many times (twenty on a home page): each one is written once per process.
@functools.lru_cache(maxsize=1024)
def _icon(name, size, extra_class):
    css_class = " ".join(filter(None, ["icon", f"icon--{name}", extra_class]))
    return format_html(
        '<svg class="{}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"'
        ' stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{}</svg>',
        css_class,
        size,
        size,
        mark_safe("".join(ICONS.get(name, FALLBACK_ICON))),  # constant markup from ICONS
    )


@register.simple_tag(takes_context=True)
def portal_url(context, url_name, *args):
    """URL of `url_name` in the portal of the page (the `portal_namespace` of the context processor).

    Answers "" on a page outside the portals; an unknown name raises NoReverseMatch, like {% url %}.
    """
    namespace = context.get("portal_namespace")
    if not namespace:
        return ""
    if not args:  # the layout's links (home, account) on every page: reversed once per process
        return _url_pattern(f"{namespace}:{url_name}", 0, get_script_prefix())
    return reverse(f"{namespace}:{url_name}", args=args)


@register.simple_tag
def support_phone():
    return settings.SUPPORT_PHONE


@register.simple_tag
def regional_contacts_url():
    return settings.REGIONAL_CONTACTS_URL


@register.filter
def tel_href(phone):
    """'0 800 940 999' -> 'tel:0800940999' for a clickable phone number."""
    return "tel:" + "".join(ch for ch in str(phone) if ch.isdigit() or ch == "+")


# --- Links in long lists: one reverse() for the whole list, not one per row ----------------------------------------

URL_SLOT = "{}"
# Reversed in place of the arguments, then turned into URL_SLOT: digits pass the int, str and slug converters,
# the others the uuid converter.
_SLOT_SAMPLES = (
    ("8390176254911", "8390176254922", "8390176254933"),
    ("8390176e-2549-4111-8000-000000000001", "8390176e-2549-4111-8000-000000000002"),
)


@functools.lru_cache(maxsize=256)
def _url_pattern(name: str, arity: int, script_prefix: str) -> str:
    for samples in _SLOT_SAMPLES:
        try:
            pattern = reverse(name, args=samples[:arity])
        except NoReverseMatch:
            continue
        for sample in samples[:arity]:
            pattern = pattern.replace(sample, URL_SLOT, 1)
        return pattern
    raise NoReverseMatch(f"{name} with {arity} argument(s)")


@register.simple_tag
def site_url(name):
    """{% url name %} of a URL without arguments, reversed once per process: the layout's links on every page."""
    return _url_pattern(name, 0, get_script_prefix())


@register.simple_tag
def asset(path):
    """{% static path %}, looked up once per process: the layout's styles and scripts on every page (the production
    storage reads the hashed name in its manifest each time)."""
    return _asset(path, settings.STATIC_URL)


@functools.lru_cache(maxsize=128)
def _asset(path, static_url):
    return static(path)


@register.simple_tag
def url_pattern(name, arity=1):
    """The URL of `name` with a slot for each of its `arity` arguments, reversed once (then cached per process):
    {% url_pattern "egestion:dossier" as dossier_url %} before a list, {{ dossier_url|fill:dossier.number }} in
    each row (chain `|fill:` for each argument, in order). Same URL as {% url "egestion:dossier" dossier.number %}."""
    return _url_pattern(name, arity, get_script_prefix())


@register.filter
def fill(pattern, value):
    """Put `value` in the first free slot of a url_pattern, quoted as reverse() quotes it."""
    return pattern.replace(URL_SLOT, quote(str(value), safe=RFC3986_SUBDELIMS + "/~:@"), 1)


@register.simple_tag(takes_context=True)
def sort_headers(context, columns, sort, target):
    """The <th> of `columns` ((key, label) pairs; a key sorts), their links keeping the request's other parameters
    (common.rows.sort_headers)."""
    return rows.sort_headers(columns, sort, context.request.GET, target)


@register.filter
def amount(value):
    """Decimal("87518.5") -> "87 518,50 €" (common.formats.format_amount): what floatformat:"2g" followed by
    "&nbsp;€" prints in French, at a sixth of its cost (no locale look-up per call), for tables of amounts."""
    return format_amount(value)


@register.simple_tag
def iban_end(iban, empty=""):
    """An IBAN as lists show it, its last four characters only (common.rows.iban_end)."""
    return mark_safe(rows.iban_end(iban, empty))  # noqa: S308 (escaped)
