from django import template

from content.cerfa_notice import anchor_for_step

register = template.Library()


@register.filter
def cerfa_notice_anchor(step_slug: str) -> str:
    """The section of the CERFA notice that helps with a step of the wizard."""
    return anchor_for_step(step_slug)
