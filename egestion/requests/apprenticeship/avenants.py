"""eGestion's "Déclarer un avenant" on the dossier of an accepted apprenticeship contract.

    dossiers/<number>/avenant/                          the type (31-38) and the effective date: creates the draft
    dossiers/<number>/avenant/<uuid>/                   the fields that type changes (pre-filled from the contract in
                                                        force), checked by the CERFA engine; the PDF; the signed copy;
                                                        "Transmettre"
    dossiers/<number>/avenant/<uuid>/recherche/<kind>/  a look-up of the wizard (the new maître among the company's
                                                        persons, diploma, RNCP, CFA): htmx partial
    dossiers/<number>/avenant/<uuid>/cerfa.pdf          the CERFA marked "Avenant n° …", to sign
    dossiers/<number>/avenant/<uuid>/document/          POST: the signed avenant (checked like every upload)
    dossiers/<number>/avenant/<uuid>/transmettre/       POST: transmit (a second click: the same result)

The fields are the wizard's (forms.StepForm, includes/field.html), and so are its habits: wizard.js saves the form
a moment after each change and shows the engine's messages next to the fields (the wizard's autosave answer), the
look-ups and their selections are the wizard's (build_lookup, apply_selection: persons scoped by
Person.objects.for_user), the error summary links to each field. The rules are funding.avenants' and the engine's.
Another company's dossier answers 404; a dossier that is not an accepted apprenticeship contract says why.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import AccessibleForm, data_errors, search_terms
from dossiers import selectors
from dossiers.cerfa import FIELDS
from egestion.access import egestion_required
from egestion.requests.apprenticeship import forms as wizard
from egestion.requests.apprenticeship.views import (
    AUTOSAVE_HEADER,
    WizardField,
    apply_selection,
    autosave_response,
    build_lookup,
    clear_selection,
    field_anchor,
    refused_autosave_response,
    short_label,
)
from egestion.requests.common import Group, Step, pdf_response, scoped_persons, with_query
from funding import apprenticeship, avenants, services
from funding.models import FundingRequest, RequestDocumentKind, RequestKind
from funding.referentials import validate_request
from funding.ruptures import contract_problem


def _dossier_or_404(request, number):
    dossier = selectors.company_dossier(request.user, request.establishment_ids, number)
    if dossier is None:
        raise Http404("Aucun dossier ne correspond à ce numéro.")
    return dossier


def _avenant_or_404(request, dossier, public_id):
    avenant = (
        FundingRequest.objects.for_company_user(request.user, request.establishment_ids)
        .filter(public_id=public_id, kind=RequestKind.AVENANT, amended_dossier=dossier)
        .select_related("employer_establishment", "amended_dossier")
        .first()
    )
    if avenant is None:
        raise Http404("Aucun avenant ne correspond à cette adresse.")
    return avenant


def _not_possible(request, dossier, problem):
    return render(
        request, "egestion/dossiers/change_not_possible.html", {"dossier": dossier, "problem": problem}, status=409
    )


class AvenantStartForm(AccessibleForm):
    type = forms.ChoiceField(
        label="Type d'avenant",
        choices=[("", "Choisir le type d'avenant"), *avenants.TYPE_CHOICES],
        error_messages={"required": "Choisissez le type d'avenant."},
    )
    date_effet = forms.DateField(
        label="Date d'effet de l'avenant",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date d'effet de l'avenant.", "invalid": "Saisissez une date valide."},
    )


@egestion_required
@require_http_methods(["GET", "POST"])
def avenant_new(request, number):
    dossier = _dossier_or_404(request, number)
    problem = contract_problem(dossier)
    if problem:
        return _not_possible(request, dossier, problem)
    drafts = FundingRequest.objects.filter(amended_dossier=dossier, kind=RequestKind.AVENANT).drafts()
    form = AvenantStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            avenant = avenants.start_avenant(
                dossier,
                user=request.user,
                avenant_type=form.cleaned_data["type"],
                effective_date=form.cleaned_data["date_effet"],
            )
        except ValidationError as exc:
            for key, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(key if key in form.fields else None, error)
        else:
            return redirect("egestion:avenant", number=dossier.number, public_id=avenant.public_id)
    return render(
        request,
        "egestion/requests/avenant_new.html",
        {"dossier": dossier, "form": form, "drafts": drafts},
        status=400 if form.errors else 200,
    )


def _step(avenant) -> Step:
    fields = tuple(avenants.editable_fields(avenant.data.get(avenants.TYPE)))
    return Step("avenant", "Ce que change l'avenant", (Group("avenant", "Ce que change l'avenant", fields),))


# The wizard's look-ups an avenant offers, by type: the new maître among the company's persons (36), the diploma and
# the RNCP certification (35), the CFA (38). No "Créer une personne" here: the maître's details are typed below.
LOOKUPS_BY_TYPE = {"36": ("maitre1", "maitre2"), "35": ("diplome", "rncp"), "38": ("cfa",)}


def _lookup_keys(avenant) -> tuple[str, ...]:
    return LOOKUPS_BY_TYPE.get(avenant.data.get(avenants.TYPE), ())


def _avenant_url(dossier, avenant, anchor="", **params) -> str:
    return with_query(reverse("egestion:avenant", args=[dossier.number, avenant.public_id]), anchor, params)


def _lookups(request, dossier, avenant, *, searched_key="", terms=""):
    keys = _lookup_keys(avenant)
    person_ids = [avenant.data.get(apprenticeship.person_key(key)) for key in keys]
    person_ids = [pk for pk in person_ids if isinstance(pk, int)]
    names = {}
    if person_ids:
        names = {person.pk: str(person) for person in scoped_persons(request, avenant).filter(pk__in=person_ids)}
    lookups = []
    for key in keys:
        searched = key == searched_key
        lookup = build_lookup(
            request, avenant, key, terms=terms if searched else "", searched=searched, person_names=names
        )
        lookup.url = reverse("egestion:avenant_lookup", args=[dossier.number, avenant.public_id, key])
        lookup.can_create = False
        if lookup.is_person:
            lookup.empty_message = (
                "Aucune personne de votre entreprise ne correspond : saisissez les coordonnées du maître "
                "d'apprentissage dans les champs ci-dessous."
            )
        lookups.append(lookup)
    return lookups


def _fields(step, avenant, result, show_errors, input_errors=None, typed=None):
    form = wizard.StepForm(step, {**avenant.data, **(typed or {})})  # `typed`: refused, shown as typed
    errors = {**(result.errors if show_errors else {}), **(input_errors or {})}
    built = []
    for field_id in step.field_ids:
        cerfa_field = FIELDS[field_id]
        widget = form.fields[field_id].widget
        kind = (
            "checkbox"
            if cerfa_field.type == "bool" and cerfa_field.must_be_true
            else "radios"
            if widget.input_type == "radio"
            else "input"
        )
        described = [f"{field_id}-help"] if cerfa_field.help else []
        widget.attrs["aria-describedby"] = " ".join([*described, f"{field_id}-error"])
        if errors.get(field_id):
            widget.attrs["aria-invalid"] = "true"
        if cerfa_field.required and kind == "input":
            widget.attrs["aria-required"] = "true"
        built.append(
            WizardField(
                id=field_id,
                label=short_label(cerfa_field.label),
                full_label=cerfa_field.label,
                bound=form[field_id],
                required=cerfa_field.required,
                help=cerfa_field.help,
                errors=errors.get(field_id, []),
                warnings=result.warnings.get(field_id, []),
                kind=kind,
            )
        )
    return built


def _render_avenant(
    request, dossier, avenant, *, show_errors=False, upload_error="", input_errors=None, typed=None, status=200
):
    step = _step(avenant)
    result = validate_request(avenant)
    problems = avenants.avenant_problems(avenant, result=result) if show_errors else {}
    problems.update(input_errors or {})
    summary = [
        (FIELDS[field_id].label if field_id in FIELDS else "Documents", message, field_anchor(field_id))
        for field_id, messages_ in problems.items()
        for message in messages_
    ]
    before = avenants.contract_in_force(dossier, before_sequence=avenant.avenant_sequence)
    return render(
        request,
        "egestion/requests/avenant.html",
        {
            "dossier": dossier,
            "avenant": avenant,
            "fields": _fields(step, avenant, result, show_errors, input_errors, typed),
            "lookups": _lookups(
                request,
                dossier,
                avenant,
                searched_key=request.GET.get("recherche", ""),
                terms=search_terms(request.GET.get("q", "")),
            ),
            "summary": summary,
            "changes": avenants.changes_between(before, avenant.data),
            "type_label": avenants.CONTRAT_TYPE.label(avenant.data.get(avenants.TYPE)),
            "effective_date": avenant.data.get(avenants.EFFECTIVE),
            "signed": [d for d in avenant.documents.all() if d.kind == RequestDocumentKind.SIGNED_CERFA],
            "upload_error": upload_error,
        },
        status=status,
    )


@egestion_required
@require_http_methods(["GET", "POST"])
def avenant_edit(request, number, public_id):
    """Every POST saves what was typed first (like the wizard's steps); wizard.js's autosave gets the engine's
    messages back as JSON, a look-up's "Rechercher", "Choisir" or "Retirer" then does its part."""
    dossier = _dossier_or_404(request, number)
    avenant = _avenant_or_404(request, dossier, public_id)
    if not avenant.is_draft:
        return redirect("egestion:dossier", number=dossier.number)
    if request.method == "GET":
        return _render_avenant(request, dossier, avenant, show_errors=bool(request.GET.get("verifier")))
    step = _step(avenant)
    values = wizard.values_from_post(step, request.POST)
    input_errors = data_errors(values)
    if request.headers.get(AUTOSAVE_HEADER):
        if input_errors:
            return refused_autosave_response(avenant, input_errors)
        return autosave_response(avenants.save_avenant(avenant, values), step)
    if input_errors:  # nothing saved: the fields to correct are shown with what was typed
        return _render_avenant(
            request, dossier, avenant, show_errors=True, input_errors=input_errors, typed=values, status=400
        )
    avenant = avenants.save_avenant(avenant, values)
    verb, _, argument = request.POST.get("action", "save").partition(":")
    keys = _lookup_keys(avenant)
    if verb == "search" and argument in keys:
        terms = search_terms(request.POST.get(f"q_{argument}", ""))
        return redirect(_avenant_url(dossier, avenant, f"lookup-{argument}", recherche=argument, q=terms))
    if request.POST.get("select"):
        choice = request.POST["select"]
        kind, _, rest = choice.partition(":")
        if (rest.partition(":")[0] if kind == "person" else kind) not in keys:
            raise Http404  # not a look-up of this type of avenant
        selected, message = apply_selection(request, avenant, choice)
        avenants.save_avenant(avenant, selected)
        messages.success(request, message)
        return redirect(_avenant_url(dossier, avenant, "avenant-fields-title"))
    if verb == "clear" and argument in keys:
        cleared, message = clear_selection(argument)
        avenants.save_avenant(avenant, cleared)
        messages.success(request, message)
        return redirect(_avenant_url(dossier, avenant, f"lookup-{argument}"))
    messages.success(request, "Votre avenant est enregistré (brouillon).")
    return redirect(_avenant_url(dossier, avenant, verifier=1))


@egestion_required
def avenant_lookup(request, number, public_id, kind):
    """The results of one of the avenant's look-ups: the wizard's htmx partial (without JavaScript, the page)."""
    dossier = _dossier_or_404(request, number)
    avenant = _avenant_or_404(request, dossier, public_id)
    if kind not in _lookup_keys(avenant):
        raise Http404
    terms = search_terms(request.GET.get("q") or request.GET.get(f"q_{kind}") or "")
    if not request.headers.get("HX-Request"):
        return redirect(_avenant_url(dossier, avenant, f"lookup-{kind}", recherche=kind, q=terms))
    lookup = next(
        lookup for lookup in _lookups(request, dossier, avenant, searched_key=kind, terms=terms) if lookup.key == kind
    )
    return render(request, "egestion/requests/includes/lookup_results.html", {"lookup": lookup})


@egestion_required
def avenant_pdf(request, number, public_id):
    dossier = _dossier_or_404(request, number)
    avenant = _avenant_or_404(request, dossier, public_id)
    return pdf_response(avenants.avenant_pdf(avenant), f"avenant-{avenant.avenant_number}.pdf")


@egestion_required
@require_POST
def avenant_document(request, number, public_id):
    dossier = _dossier_or_404(request, number)
    avenant = _avenant_or_404(request, dossier, public_id)
    upload = request.FILES.get("fichier")
    if upload is None:
        return _render_avenant(
            request, dossier, avenant, upload_error="Choisissez l'avenant signé (PDF, JPEG ou PNG).", status=400
        )
    try:
        services.attach_document(
            avenant, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=upload, user=request.user
        )
    except ValidationError as exc:
        # Nothing typed is lost: the fields are saved in the draft; only the refused file is to choose again.
        return _render_avenant(request, dossier, avenant, upload_error=" ".join(exc.messages), status=400)
    messages.success(request, "L'avenant signé est joint.")
    return redirect("egestion:avenant", number=dossier.number, public_id=avenant.public_id)


@egestion_required
@require_POST
def avenant_submit(request, number, public_id):
    dossier = _dossier_or_404(request, number)
    avenant = _avenant_or_404(request, dossier, public_id)
    if not avenant.is_draft:  # a second click: the same result as the first
        return redirect("egestion:dossier", number=dossier.number)
    try:
        avenants.submit_avenant(avenant, user=request.user)
    except ValidationError:
        return _render_avenant(request, dossier, avenant, show_errors=True, status=400)
    messages.success(
        request,
        f"L'avenant n° {avenant.avenant_number} est transmis à Constructys : votre gestionnaire va l'instruire.",
    )
    return redirect("egestion:dossier", number=dossier.number)
