"""The portals' shell drawn in Python (common.components): {% load portal_shell %}

{% pager page noun="dossiers" target="#dossier-results" %}   the pagination under a list (target: optional, htmx)
{% list_tabs listing.tabs listing.tab "#dossier-results" %}   the <li> of a list's tabs, the shown one marked
{% filter_fields listing.form %}                             the fields of a list's filter form, labels, errors
{% portal_menu_items %}                                      the <li> of the left-hand menu, the current page marked
{% entity_switch %}                                          the header's form to look at one establishment
"""

from django import template

from common import components

register = template.Library()


@register.simple_tag(takes_context=True)
def pager(context, page, noun="", target=""):
    return components.pager(page, context.request.GET, noun, target)


@register.simple_tag(takes_context=True)
def list_tabs(context, tabs, current, target):
    return components.list_tabs(tabs, current, context.request.GET, target)


@register.simple_tag
def filter_fields(form):
    return components.filter_fields(form)


@register.simple_tag(takes_context=True)
def portal_menu_items(context):
    links = context.get("portal_menu")
    return components.menu_items(links, context.get("active_menu")) if links else ""


@register.simple_tag(takes_context=True)
def entity_switch(context):
    return components.entity_switch(context.request, context.get("csrf_token", ""))
