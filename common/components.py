"""The parts of the portals' shell drawn on every page or every list, written in Python: the pager under each list,
a list's tabs and the fields of its filter form, the left-hand menu and the header's entity switcher.

As templates they were about a fifth of a portal page's rendering in-process (issue 18; under load, bench/README.md
"Eighth pass"): the template engine resolves a variable, a filter or a tag in some tens of microseconds, and these
few lines of HTML went through a hundred of them (a pager's two {% querystring %} deep-copied the query string; the
switcher looped over the user's establishments; the menu tested each entry for the active one). What they write is
what their templates wrote; every value is escaped as autoescaping does (html.escape).
"""

import functools
from html import escape

from django.utils.safestring import SafeString, mark_safe

from common.rows import querystring, text
from common.templatetags.portal import icon

CSRF_INPUT = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'


# --- The pager ----------------------------------------------------------------------------------------------------


def _pager_link(params, number: int, target: str, label: str, previous: bool) -> str:
    url = escape(querystring(params, page=number))
    htmx = f' hx-get="{url}" hx-target="{escape(target)}" hx-swap="outerHTML" hx-push-url="true"' if target else ""
    if previous:
        content = f"{icon('arrow-left', 16)}<span>{label}</span>"
    else:
        content = f"<span>{label}</span>{icon('arrow-right', 16)}"
    return f'<a class="btn btn--quiet btn--small" href="{url}"{htmx}>{content}</a>'


def pager(page, params, noun: str = "", target: str = "") -> SafeString:
    """The pagination of a list: "26 à 50 sur 4160 dossiers", the page number, and Précédent / Suivant links that
    keep the other query parameters `params` (request.GET: filters, tab, sort). `page` is a Paginator page;
    `target` an htmx target the links swap (none: plain links)."""
    paginator = page.paginator
    if paginator.count:
        count = f"{page.start_index()} à {page.end_index()} sur {paginator.count} {text(noun or 'éléments')}"
    else:
        count = "Aucun élément"
    links = ""
    if paginator.num_pages > 1:
        previous = (
            _pager_link(params, page.previous_page_number(), target, "Précédent", True) if page.has_previous() else ""
        )
        following = _pager_link(params, page.next_page_number(), target, "Suivant", False) if page.has_next() else ""
        links = (
            f'<ul class="pager__links"><li>{previous}</li>'
            f'<li class="pager__current" aria-current="page">Page {page.number} sur {paginator.num_pages}</li>'
            f"<li>{following}</li></ul>"
        )
    return mark_safe(f'<nav class="pager" aria-label="Pagination"><p class="pager__count">{count}</p>{links}</nav>')  # noqa: S308 (escaped)


# --- A list's tabs -----------------------------------------------------------------------------------------------


def list_tabs(tabs, current: str, params, target: str) -> SafeString:
    """The <li> of a list's tabs ((key, label, count) triples): a link to each, first page, the other query
    parameters kept, swapping `target` with htmx; the tab shown is the current page."""
    items = []
    for key, label, count in tabs:
        url = escape(querystring(params, onglet=key, page=None))
        selected = ' aria-current="page"' if key == current else ""
        items.append(
            f'<li><a href="{url}" hx-get="{url}" hx-target="{escape(target)}" hx-swap="outerHTML" hx-push-url="true"'
            f'{selected}>{text(label.upper())} <span class="dossier-tabs__count">{text(count)}</span></a></li>'
        )
    return mark_safe("".join(items))  # noqa: S308 (escaped)


# --- A list's filter form ----------------------------------------------------------------------------------------


def filter_fields(form) -> SafeString:
    """Each field of the filter form of a list (all optional: no "(facultatif)"), with its label and its errors."""
    parts = []
    for field in form:
        errors = "".join(f'<p class="field__error">{text(error)}</p>' for error in field.errors)
        parts.append(
            f'<div class="field{" field--invalid" if errors else ""}">'
            f'<label class="field__label" for="{text(field.id_for_label)}">{text(field.label)}</label>{field}{errors}'
            "</div>"
        )
    return mark_safe("".join(parts))  # noqa: S308 (escaped; the widgets are Django's)


# --- The left-hand menu -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def menu_items(links: tuple, active: str | None) -> SafeString:
    """The <li> of a portal's menu (common.context_processors.menu_links), the entry of `active` marked as the
    current page. Kept per process for each menu and active entry: both are fixed in code, nothing makes it stale."""
    items = []
    for link in links:
        current = ' aria-current="page"' if link.url_name == active else ""
        items.append(
            f'<li><a class="portal-nav__link" href="{escape(link.url)}"{current}>'
            f"{link.icon_html}<span>{text(link.label)}</span></a></li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (escaped; the icons are constant markup)


# --- The header's entity switcher ---------------------------------------------------------------------------------


def entity_switch(request, csrf_token) -> SafeString:
    """The form of a user attached to several establishments (accounts.access sets `entity_choices`,
    `all_memberships`, `current_establishment` and `entity_switch_url` on the request): it posts the chosen
    establishment, or "" for all of them, and comes back to the page. A plain form: it works without JavaScript."""
    current = request.current_establishment
    current_pk = current.pk if current is not None else None
    groups = []
    for organisation, establishments in request.entity_choices:
        options = []
        for establishment in establishments:
            selected = " selected" if establishment.pk == current_pk else ""
            city = f" — {text(establishment.city)}" if establishment.city else ""
            options.append(
                f'<option value="{establishment.pk}"{selected}>{text(establishment.name)}{city}'
                f" ({text(establishment.siret)})</option>"
            )
        groups.append(f'<optgroup label="{text(organisation.name)}">{"".join(options)}</optgroup>')
    all_selected = "" if current is not None else " selected"
    return mark_safe(  # noqa: S308 (escaped)
        f'<form class="entity-switch" method="post" action="{escape(request.entity_switch_url)}">'
        f"{CSRF_INPUT.format(escape(str(csrf_token)))}"
        f'<input type="hidden" name="next" value="{escape(request.get_full_path())}">'
        '<label class="entity-switch__label" for="entity-switch">Entité affichée</label>'
        '<span class="entity-switch__controls">'
        '<select name="etablissement" id="entity-switch" class="entity-switch__select">'
        f'<option value=""{all_selected}>Toutes mes entités ({len(request.all_memberships)} établissements)</option>'
        f"{''.join(groups)}</select>"
        '<button type="submit" class="btn btn--quiet btn--small">Afficher</button></span></form>'
    )
