"""Less work per row on the back office's busiest pages: a list's rows built by backoffice.changelist_rows, the
sidebar by backoffice.nav_sidebar, a dossier page's fieldsets and tabular inlines by backoffice.change_form_html,
its lists by backoffice.dossier_panels."""

from django import template

from backoffice import change_form_html, changelist_rows, nav_sidebar

register = template.Library()


@register.simple_tag
def fast_result_list(cl):
    """`{% result_list cl %}` written by backoffice.changelist_rows (the same HTML, less work per cell)."""
    return changelist_rows.results_html(cl)


@register.simple_tag
def fast_list_filter(cl, spec):
    """`{% admin_list_filter cl spec %}` written by backoffice.changelist_rows."""
    return changelist_rows.filter_html(cl, spec)


@register.simple_tag(takes_context=True)
def nav_app_list(context):
    """admin/app_list.html as the navigation sidebar includes it on every admin page (`available_apps`, no change
    links), written directly: 50 models through the template engine were a tenth of a list's or a dossier
    page's time."""
    return nav_sidebar.app_list(context["available_apps"], context["request"].path)


@register.simple_tag
def fast_fieldset(fieldset, id_suffix):
    """`{% include "admin/includes/fieldset.html" with heading_level=2 prefix="fieldset" id_prefix=0 %}`, written
    by backoffice.change_form_html."""
    return change_form_html.fieldset(fieldset, id_suffix=id_suffix)


@register.filter
def is_tabular(inline_admin_formset):
    """Whether backoffice.change_form_html writes this inline (Django's tabular template or its read-only one)."""
    return inline_admin_formset.opts.template in change_form_html.TABULAR_TEMPLATES


@register.simple_tag
def dossier_sections(dossier_panels, inline_admin_formsets):
    """A dossier page's lists and the inlines that add to them (backoffice.dossier_panels)."""
    return dossier_panels.sections(inline_admin_formsets)


@register.simple_tag
def fast_tabular_inline(inline_admin_formset, last):
    """`{% include inline_admin_formset.opts.template %}` of a tabular inline, written by
    backoffice.change_form_html."""
    return change_form_html.tabular_inline(inline_admin_formset, last=last)
