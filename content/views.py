"""The help pages of both portals (issue 17): a help resource as a portal page or as a PDF generated from its
text, and eGestion's notice of the CERFA FA13. Each portal's help/urls.py builds its patterns with
`portal_urlpatterns` (its access decorator and its portal); a resource of the other portal, unpublished, or of the
other kind answers 404."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path

from common.pdf import render_pdf
from common.views import portal_page
from content import cerfa_notice as cerfa_notice_sections
from content.models import HelpKind, HelpResource

PORTAL_BASES = {"egestion": "egestion/base.html", "ogestion": "ogestion/base.html"}


def published_resource(portal: str, slug: str, kind: str) -> HelpResource:
    resource = HelpResource.objects.published(portal).filter(slug=slug, kind=kind).first()
    if resource is None:
        raise Http404("Aucune ressource d'aide ne correspond à cette adresse.")
    return resource


def help_page(request, portal, slug):
    resource = published_resource(portal, slug, HelpKind.PAGE)
    return render(request, "content/help_page.html", {"resource": resource, "portal_base": PORTAL_BASES[portal]})


def help_pdf_bytes(resource: HelpResource) -> bytes:
    """The PDF of a resource, rendered once per version of its text (kept in the cache)."""
    key = f"help-pdf:{resource.pk}:{resource.updated_at.timestamp()}"
    content = cache.get(key)
    if content is None:
        context = {"resource": resource, "support_phone": settings.SUPPORT_PHONE}
        content = render_pdf("content/help_pdf.html", context)
        cache.set(key, content, 24 * 3600)
    return content


def help_pdf(request, portal, slug):
    resource = published_resource(portal, slug, HelpKind.PDF)
    response = HttpResponse(help_pdf_bytes(resource), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{resource.slug}.pdf"'
    return response


def cerfa_notice(request, portal):
    context = {"portal_base": PORTAL_BASES[portal], "sections": cerfa_notice_sections.SECTIONS}
    return render(request, "content/cerfa_notice.html", context)


def portal_urlpatterns(portal, portal_required, *, cerfa_notice_page=False):
    """The help URLs of one portal, each view wrapped with the portal's access decorator; eGestion also serves
    the CERFA notice its wizard links to."""

    def wrap(view):
        return portal_page(view, portal, portal_required)

    patterns = [
        path("aide/<slug:slug>/", wrap(help_page), name="help_page"),
        path("aide/<slug:slug>/pdf/", wrap(help_pdf), name="help_pdf"),
    ]
    if cerfa_notice_page:
        patterns.insert(0, path("aide/notice-cerfa-apprentissage/", wrap(cerfa_notice), name="help_cerfa_notice"))
    return patterns
