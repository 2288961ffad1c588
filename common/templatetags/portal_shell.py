"""The portals' shell drawn in Python (common.components): {% load portal_shell %}

{% pager page noun="dossiers" target="#dossier-results" %}   the pagination under a list (target: optional, htmx)
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
def portal_menu_items(context):
    links = context.get("portal_menu")
    return components.menu_items(links, context.get("active_menu")) if links else ""


@register.simple_tag(takes_context=True)
def entity_switch(context):
    return components.entity_switch(context.request, context.get("csrf_token", ""))
