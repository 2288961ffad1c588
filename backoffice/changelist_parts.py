"""The rest of a back-office list's page around its table, as Django's admin templates write it, in Python: the bulk
actions' bar (admin/actions.html), the search form (admin/search_form.html) and the pagination
(admin/pagination.html). Through the template engine, with a form field or a translation per variable, these three
were about a sixth of the dossier list's CPU in-process (issue 18; under load, bench/README.md "Eighth pass"). Used
by the dossier list's template (templates/admin/dossiers/dossier/change_list.html); tests/backoffice/
test_dossier_admin.py compares the page with the one Django's own templates write.

A `{% translate "literal" %}` of a template is written as the translation itself (a template's literal is trusted);
every value is escaped as the templates' autoescaping does.
"""

from django.contrib.admin.templatetags.admin_list import paginator_number
from django.contrib.admin.views.main import ALL_VAR, IS_FACETS_VAR, IS_POPUP_VAR, SEARCH_VAR
from django.templatetags.static import static
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from common.rows import text


def actions_html(context) -> str:
    """admin/actions.html for the `{% admin_actions %}` tag (the context of changelist_view)."""
    index = context.get("action_index", -1) + 1
    context["action_index"] = index  # as admin_actions does: a second bar on the page posts index 1
    cl = context["cl"]
    fields = []
    for field in context["action_form"]:
        fields.append(f"<label>{text(field.label)} {field}</label>" if field.label else str(field))
    shown = len(cl.result_list)
    counter = ""
    if context.get("actions_selection_counter"):
        counter = f'<span class="action-counter" data-actions-icnt="{shown}">{text(context["selection_note"])}</span>'
        if cl.result_count != shown:
            select_all = gettext("Select all %(total_count)s %(module_name)s") % {
                "total_count": text(cl.result_count),
                "module_name": text(context["module_name"]),
            }
            counter += (
                f'<span class="all hidden">{text(context["selection_note_all"])}</span>'
                f'<span class="question hidden"><a role="button" href="#"'
                f' title="{gettext("Click here to select the objects across all pages")}">{select_all}</a></span>'
                f'<span class="clear hidden"><a role="button" href="#">{gettext("Clear selection")}</a></span>'
            )
    return mark_safe(  # noqa: S308 (escaped above; the form's widgets are Django's)
        f'<div class="actions">{"".join(fields)}'
        f'<button type="submit" class="button" title="{gettext("Run the selected action")}" name="index"'
        f' value="{index}">{gettext("Go")}</button>{counter}</div>'
    )


def search_form_html(cl) -> str:
    """admin/search_form.html for `{% search_form cl %}`."""
    if not cl.search_fields:
        return ""
    described = ' aria-describedby="searchbar_helptext"' if cl.search_help_text else ""
    result_count = ""
    if cl.result_count != cl.full_result_count:
        query = ""
        if cl.is_popup:
            query = f"{IS_POPUP_VAR}=1" + ("&" if cl.add_facets else "")
        if cl.add_facets:
            query += IS_FACETS_VAR
        if cl.show_full_result_count:
            total = gettext("%(full_result_count)s total") % {"full_result_count": text(cl.full_result_count)}
        else:
            total = gettext("Show all")
        results = ngettext("%(counter)s result", "%(counter)s results", cl.result_count) % {
            "counter": text(cl.result_count)
        }
        result_count = f'<span class="small quiet">{results} (<a href="?{escape(query)}">{total}</a>)</span>'
    hidden = "".join(
        f'<input type="hidden" name="{text(name)}" value="{text(value)}">'
        for name, value in cl.params.items()
        if name != SEARCH_VAR
    )
    help_text = ""
    if cl.search_help_text:
        help_text = conditional_escape(cl.search_help_text)
        help_text = f'<br class="clear"><div class="help" id="searchbar_helptext">{help_text}</div>'
    return mark_safe(  # noqa: S308 (escaped above)
        '<div id="toolbar"><form id="changelist-search" method="get" role="search">'
        "<div><!-- DIV needed for valid HTML -->"
        f'<label for="searchbar"><img src="{escape(static("admin/img/search.svg"))}" alt="Search"></label>'
        f'<input type="text" size="40" name="{SEARCH_VAR}" value="{text(cl.query)}" id="searchbar"{described}>'
        f'<input type="submit" value="{gettext("Search")}">{result_count}{hidden}</div>{help_text}</form></div>'
    )


def pagination_html(cl) -> str:
    """admin/pagination.html for `{% pagination cl %}`: the pages' links, the number of objects, "Tout afficher"."""
    links = ""
    if (not cl.show_all or not cl.can_show_all) and cl.multi_page:
        links = "".join(paginator_number(cl, number) for number in cl.paginator.get_elided_page_range(cl.page_num))
    name = cl.opts.verbose_name if cl.result_count == 1 else cl.opts.verbose_name_plural
    show_all = ""
    if cl.can_show_all and not cl.show_all and cl.multi_page:
        show_all = f'<a href="{escape(cl.get_query_string({ALL_VAR: ""}))}" class="showall">{gettext("Show all")}</a>'
    save = ""
    if cl.formset and cl.result_count:
        save = f'<input type="submit" name="_save" class="default" value="{gettext("Save")}">'
    return mark_safe(  # noqa: S308 (escaped above)
        f'<p class="paginator"> {links} {text(cl.result_count)} {text(name)} {show_all} {save} </p>'
    )
