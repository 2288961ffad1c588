"""The rows of oGestion's "Gérer les utilisateurs", written in Python once per row (common.rows): the HTML of the
template they replace (tests/ogestion/test_rows.py compares them cell for cell)."""

from django.utils.safestring import mark_safe

from common.rows import text
from common.templatetags.portal import fill, icon, url_pattern


def _yes_no(yes: bool) -> str:
    """The "Désactivé" cell's box: ticked when the account is deactivated here."""
    if not yes:
        return (
            '<span class="yesno"><span class="yesno__box" aria-hidden="true"></span>'
            '<span class="visually-hidden">Non</span></span>'
        )
    return (
        f'<span class="yesno yesno--yes"><span class="yesno__box" aria-hidden="true">{icon("check", size=14)}</span>'
        '<span class="visually-hidden">Oui</span></span>'
    )


def user_row(account, user_url) -> str:
    """One account of the list (accounts.services.users_of_organisations): name (or address), deactivated, login."""
    name = f"{text(account.last_name.upper())} {text(account.first_name)}"
    if not account.last_name and not account.first_name:
        name += text(account.email)
    return (
        f'<tr><th scope="row"><a href="{text(fill(user_url, account.pk))}">{name}</a></th>'
        f"<td>{_yes_no(not account.is_active_here)}</td>"
        f'<td class="mono">{text(account.email)}</td></tr>'
    )


def user_rows(accounts):
    """The <tr> of each account of the list's page."""
    user_url = url_pattern("ogestion:user")
    return mark_safe("".join(user_row(account, user_url) for account in accounts))  # noqa: S308 (escaped)
