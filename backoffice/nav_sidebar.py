"""The admin's navigation sidebar (admin/nav_sidebar.html, on every admin page): the HTML of Django's
admin/app_list.html with show_changelinks off, written in Python (see the `nav_app_list` tag)."""

from django.template.defaultfilters import urlencode
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext


def app_list(apps, path: str):
    """The sidebar's HTML; for a list kept per set of rights (backoffice.site.KeptAppList), written once for each
    entry the page can be in (the current app and model are all that a path changes in it)."""
    sidebar_html = getattr(apps, "sidebar_html", None)
    if sidebar_html is None:
        return _app_list(apps, path)
    encoded = urlencode(path)
    current = tuple(url for url in _urls(apps) if url in encoded)
    html = sidebar_html.get(current)
    if html is None:
        html = sidebar_html[current] = _app_list(apps, path)
    return html


def _urls(apps):
    for app in apps:
        yield app["app_url"]
        for model in app["models"]:
            if model.get("admin_url"):
                yield model["admin_url"]


def _app_list(apps, path: str):
    if not apps:
        return mark_safe(f"<p>{gettext('You don’t have permission to view or edit anything.')}</p>")  # noqa: S308
    path = urlencode(path)
    # {% translate 'literal' %}: the translation as it is (a template's literal is trusted).
    labels = {
        "model": gettext("Model name"),
        "add_link": gettext("Add link"),
        "change_link": gettext("Change or view list link"),
        "add": gettext("Add"),
    }
    return mark_safe("".join(_app(app, path, labels) for app in apps))  # noqa: S308 (every value escaped below)


def _app(app, path, labels):
    label = conditional_escape(app["app_label"])
    current = " current-app" if app["app_url"] in path else ""
    # {% blocktranslate %}: the name escaped, the sentence as it is.
    title = gettext("Models in the %(name)s application") % {"name": conditional_escape(app["name"])}
    rows = "".join(_model(model, label, path, labels) for model in app["models"])
    return (
        f'<div class="app-{label} module{current}"><table><caption>'
        f'<a href="{conditional_escape(app["app_url"])}" class="section" title="{title}">'
        f"{conditional_escape(app['name'])}</a></caption>"
        f'<thead class="visually-hidden"><tr><th scope="col">{labels["model"]}</th>'
        f'<th scope="col">{labels["add_link"]}</th><th scope="col">{labels["change_link"]}</th></tr></thead>'
        f"{rows}</table></div>"
    )


def _model(model, label, path, labels):
    name = conditional_escape(model["object_name"].lower())
    admin_url = model.get("admin_url")
    current = bool(admin_url) and admin_url in path
    if admin_url:
        aria = ' aria-current="page"' if current else ""
        shown = f'<a href="{conditional_escape(admin_url)}"{aria}>{conditional_escape(model["name"])}</a>'
    else:
        shown = conditional_escape(model["name"])
    add = ""
    if model.get("add_url"):
        add = (
            f'<a href="{conditional_escape(model["add_url"])}" class="addlink" '
            f'aria-describedby="{label}-{name}">{labels["add"]}</a>'
        )
    return (
        f'<tr class="model-{name}{" current-model" if current else ""}">'
        f'<th scope="row" id="{label}-{name}">{shown}</th><td>{add}</td></tr>'
    )
