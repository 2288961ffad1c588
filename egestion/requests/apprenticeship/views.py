"""Faire une demande de prise en charge → Contrat d'apprentissage: the CERFA FA13 wizard.

Every draft URL loads the draft among those of the user's establishments (another company's draft answers 404; a
transmitted one leads to its confirmation). Every step saves what was typed before doing anything else (Précédent,
SAUVEGARDER, Suivant, a look-up, "+"), and saving never refuses a value: the rule engine's messages say what to fix,
and only the transmission requires a valid request. wizard.js also saves the form a moment after each change.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from common.formats import format_amount
from common.forms import data_errors, search_terms, text_problem
from dossiers.cerfa import CODES, FIELDS, Timeline, is_disability_extension
from dossiers.cerfa.fields import ORDINALS, REMUNERATION_PERIODS, REMUNERATION_YEARS, remuneration_id
from dossiers.cerfa.normalise import parse_date
from egestion.access import egestion_required
from egestion.requests.apprenticeship import forms as wizard
from egestion.requests.common import (
    LOOKUP_LIMIT,
    Group,
    Lookup,
    LookupItem,
    PersonForm,
    Step,
    apprentice_name,
    documents_context,
    draft_view,
    handle_documents,
    new_request,
    person_lookup,
    remove_document,
    scoped_persons,
    transmit,
    with_query,
)
from funding import apprenticeship, services
from funding.apprenticeship import derived_values, suggested_remuneration
from funding.models import RequestKind
from funding.referentials import validate_request
from funding.transmission import DOCUMENTS_KEY, submission_problems
from referentials.codes import CERTIFICATION_NOT_FOUND
from referentials.models import Diploma, RncpCertification, TrainingCentre

AUTOSAVE_HEADER = "X-Wizard-Autosave"


def resume_url(draft) -> str:
    """ "Reprendre": the step the user saved last."""
    slug = draft.current_step if draft.current_step in wizard.STEPS_BY_SLUG else wizard.FIRST_STEP
    return step_url(draft, slug)


def step_url(draft, slug, anchor="", **params) -> str:
    return with_query(
        reverse("egestion:request_step", kwargs={"public_id": draft.public_id, "step": slug}), anchor, params
    )


@egestion_required
@require_http_methods(["GET", "POST"])
def request_new_apprenticeship(request):
    """Contrat d'apprentissage: the draft is prefilled from the establishment and opens on the first step."""
    return new_request(
        request,
        kind=RequestKind.APPRENTICESHIP,
        initial_data=lambda establishment: apprenticeship.initial_draft_data(establishment, contact=request.user),
        first_url=lambda draft: step_url(draft, wizard.FIRST_STEP),
        error="Sélectionnez l'établissement pour lequel le contrat d'apprentissage est saisi.",
    )


@dataclass
class WizardField:
    id: str
    label: str  # next to the field, in the context of its group
    full_label: str  # in the error summary: the CERFA's label
    bound: object
    required: bool
    help: str = ""
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    readonly: bool = False
    kind: str = "input"  # input, radios, checkbox
    datalist: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"{self.id}_0" if self.kind == "radios" else self.id


@dataclass
class WizardGroup:
    group: Group
    fields: list
    visible: bool
    lookups: list = field(default_factory=list)
    has_values: bool = False

    @property
    def key(self):
        return self.group.key

    @property
    def title(self):
        return self.group.title

    @property
    def intro(self):
        return self.group.intro

    @property
    def condition(self):
        return self.group.condition

    @property
    def optional_block(self):
        return self.group.optional_block


LOOKUP_LABELS = {
    "cfa": ("Rechercher le CFA par UAI ou par nom", "Ex. : 0312101R ou BTP CFA Toulouse"),
    "diplome": ("Rechercher le code diplôme", "Ex. : 50023211 ou CAP maçon"),
    "rncp": ("Rechercher le code RNCP", "Ex. : RNCP37651 ou maçon"),
}


NO_CFA_MESSAGE = (
    "Aucun CFA ne correspond. Le CFA doit obligatoirement avoir un code UAI : sans UAI, vous ne pouvez pas "
    "transmettre votre dossier. Contactez votre Constructys régional (coordonnées sur la page d'accueil eGestion)."
)


# Conditional fields whose condition is not already the condition of their group: their help says when they are asked.
UNCONDITIONAL_GROUP_FIELDS = frozenset(
    field_id
    for step in wizard.STEPS
    for group in step.groups
    if not group.condition and not group.optional_block and group.key != "remuneration"
    for field_id in group.fields
)


_MAITRE_SUFFIX = re.compile(r" du maître d'apprentissage n°\d$")


def short_label(label: str) -> str:
    """The label next to a field, where its group gives the context: "Adresse du CFA responsable : voie" → "Voie",
    "Prénom du maître d'apprentissage n°1" → "Prénom"."""
    if label.startswith("Adresse ") and " : " in label:
        part = label.split(" : ", 1)[1]
        return part[:1].upper() + part[1:]
    return _MAITRE_SUFFIX.sub("", label)


def field_anchor(field_id: str) -> str:
    cerfa_field = FIELDS.get(field_id)
    if cerfa_field is None:
        return field_id
    if (cerfa_field.type == "bool" and not cerfa_field.must_be_true) or wizard.uses_radios(cerfa_field):
        return f"{field_id}_0"
    return field_id


def readonly_fields(draft, slug) -> frozenset[str]:
    if slug == "employeur":
        return apprenticeship.establishment_readonly(draft.employer_establishment)
    if slug == "formation":
        return frozenset(apprenticeship.CFA_FIELDS)
    return frozenset()


def saved_steps(draft) -> list[str]:
    saved = draft.data.get(wizard.SAVED_STEPS_KEY) or []
    return saved if isinstance(saved, list) else []


def remuneration_rows(form_fields: dict, data: dict) -> list[dict]:
    """The table of the contract step: years × periods, each with its four fields, the minimum rate that applies
    (the BTP branch's for a building-trades IDCC) and the gross monthly amount of the rate typed."""
    btp = apprenticeship.uses_btp_grid(data)
    birth = parse_date(data.get("apprenti_date_naissance"))
    start = parse_date(data.get("contrat_date_debut_execution"))
    end = parse_date(data.get("contrat_date_fin"))
    timeline = (
        Timeline(birth, start, end, is_disability_extension(data)) if birth and start and end and start < end else None
    )
    rows = []
    for year in REMUNERATION_YEARS:
        for period in REMUNERATION_PERIODS:
            cells = {part: form_fields[remuneration_id(year, period, part)] for part in ("du", "au", "taux", "base")}
            minimum = None
            du = parse_date(cells["du"].bound.value())
            au = parse_date(cells["au"].bound.value())
            if timeline and du and au and du <= au:
                rate = timeline.minimum_rate(du, au, btp=btp)
                minimum = rate.normalize() if isinstance(rate, Decimal) else None
            amount = apprenticeship.gross_monthly_amount(data, cells["taux"].bound.value(), cells["base"].bound.value())
            rows.append(
                {
                    "year": year,
                    "period": period,
                    "ordinal": ORDINALS[year],
                    "cells": cells,
                    "minimum": minimum,
                    "amount": format_amount(amount) if amount is not None else "",
                    "errors": [message for cell in cells.values() for message in cell.errors],
                }
            )
    return rows


def referential_lookup(kind: str, terms: str) -> list[LookupItem]:
    """CFAs, diplomas or RNCP certifications matching the terms: one query (`.search()`), none for blank terms."""
    if kind == "cfa":
        return [
            LookupItem(
                f"cfa:{centre.uai}",
                centre.name,
                " · ".join(
                    filter(None, [f"UAI {centre.uai}", f"SIRET {centre.siret}" if centre.siret else "", centre.address])
                ),
                badge="" if centre.is_active else "Fermé",
                disabled=not centre.is_active,
            )
            for centre in TrainingCentre.objects.search(terms, limit=LOOKUP_LIMIT)
        ]
    if kind == "diplome":
        items = [
            LookupItem(
                f"diplome:{diploma.cfd}",
                diploma.title,
                " · ".join(
                    filter(
                        None,
                        [
                            f"Code {diploma.cfd}",
                            diploma.short_title,
                            f"niveau {diploma.level}" if diploma.level else "",
                        ],
                    )
                ),
                badge=f"Fermé le {diploma.closed_on:%d/%m/%Y}" if diploma.closed_on else "",
            )
            for diploma in Diploma.objects.search(terms, limit=LOOKUP_LIMIT)
        ]
        code, label = CERTIFICATION_NOT_FOUND
        items.append(LookupItem(f"diplome:{code}", f"{code} – {label}", "Si le diplôme n'est pas dans la liste"))
        return items
    if kind == "rncp":
        return [
            LookupItem(
                f"rncp:{certification.code}",
                certification.title,
                " · ".join(filter(None, [certification.code, certification.short_title])),
                badge="" if certification.is_active else "Inactive",
                disabled=not certification.is_active,
            )
            for certification in RncpCertification.objects.search(terms, limit=LOOKUP_LIMIT)
        ]
    raise Http404


# The pencil next to a selected person: its details on the form, which stay editable ("Il est possible de modifier
# des éléments de la personne contact en cliquant sur le crayon", mode opératoire CERFA).
PERSON_EDIT_ANCHORS = {
    "employeur": "employeur_telephone",
    "apprenti": "apprenti_nom_naissance",
    "maitre1": "maitre1_nom_naissance",
    "maitre2": "maitre2_nom_naissance",
}


def build_lookup(request, draft, key: str, *, terms: str = "", searched: bool = False, person_names=None) -> Lookup:
    url = reverse("egestion:request_lookup", kwargs={"public_id": draft.public_id, "kind": key})
    data = draft.data
    if key in apprenticeship.PERSON_TARGETS:
        who = apprenticeship.PERSON_TARGETS[key]
        person_id = data.get(apprenticeship.person_key(key))
        lookup = Lookup(
            key,
            f"Rechercher {who} par son nom",
            url,
            placeholder="Nom ou prénom",
            can_create=True,
            clear_label=f"Retirer {who}",
            selected=(person_names or {}).get(person_id, "") if person_id else "",
            empty_message="Aucune personne de votre entreprise ne correspond : créez-la avec « Créer une personne ».",
            edit_anchor=PERSON_EDIT_ANCHORS.get(key, ""),
        )
    else:
        label, placeholder = LOOKUP_LABELS[key]
        lookup = Lookup(key, label, url, placeholder=placeholder)
        if key == "cfa":
            lookup.empty_message = NO_CFA_MESSAGE
            if data.get("cfa_uai"):
                lookup.selected = f"{data.get('cfa_denomination') or ''} (UAI {data['cfa_uai']})"
                lookup.clear_label = "Changer de CFA"
        else:
            lookup.empty_message = "Aucun résultat : vérifiez le code ou essayez avec des mots de l'intitulé."
    lookup.terms = terms
    lookup.searched = searched
    if searched:
        if lookup.is_person:
            lookup.results = person_lookup(scoped_persons(request, draft), key, terms)
        else:
            lookup.results = referential_lookup(key, terms)
    return lookup


def step_context(request, draft, step: Step, *, extra=None, input_errors=None) -> dict:
    """`input_errors`: {field id: [message]} of values refused before saving (control characters)."""
    data = draft.data
    result = validate_request(draft)
    slug = step.slug
    show_errors = slug in saved_steps(draft) or bool(request.GET.get("verifier"))
    readonly = readonly_fields(draft, slug)
    conditions = wizard.conditions(data)
    form = wizard.StepForm(step, data, readonly=readonly)
    remuneration_proposed = False
    if slug == "contrat" and not any(data.get(field_id) for field_id in apprenticeship.REMUNERATION_FIELDS):
        suggestion = suggested_remuneration(data)
        form.initial.update(suggestion)
        remuneration_proposed = bool(suggestion)

    errors = {**(result.errors if show_errors else {}), **(input_errors or {})}
    warnings = result.warnings if show_errors else {}
    wizard_fields = {}
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
        help_text = cerfa_field.help
        if cerfa_field.requirement == "C" and cerfa_field.condition and field_id in UNCONDITIONAL_GROUP_FIELDS:
            help_text = " ".join(filter(None, [help_text, f"Obligatoire si : {cerfa_field.condition}."]))
        if field_id == "employeur_code_idcc" and data.get("employeur_libelle_idcc"):
            help_text = " ".join(filter(None, [f"Convention : {data['employeur_libelle_idcc']}.", help_text]))
        described = [f"{field_id}-help"] if help_text else []
        described.append(f"{field_id}-error")
        if warnings.get(field_id):
            described.append(f"{field_id}-warning")
        widget.attrs["aria-describedby"] = " ".join(described)
        if errors.get(field_id):
            widget.attrs["aria-invalid"] = "true"
        if cerfa_field.required and kind == "input":
            widget.attrs["aria-required"] = "true"
        if field_id.startswith("remuneration_"):
            widget.attrs["aria-label"] = cerfa_field.label
        wizard_fields[field_id] = WizardField(
            id=field_id,
            label=short_label(cerfa_field.label),
            full_label=cerfa_field.label,
            bound=form[field_id],
            required=cerfa_field.required,
            help=help_text,
            errors=errors.get(field_id, []),
            warnings=warnings.get(field_id, []),
            readonly=field_id in readonly,
            kind=kind,
            datalist=CODES[cerfa_field.codes].codes if cerfa_field.codes and not cerfa_field.closed_list else [],
        )

    person_ids = [data.get(apprenticeship.person_key(key)) for group in step.groups for key in group.lookups]
    person_ids = [pk for pk in person_ids if isinstance(pk, int)]
    person_names = {}
    if person_ids:
        persons = scoped_persons(request, draft).filter(pk__in=person_ids)
        person_names = {person.pk: str(person) for person in persons}

    searched_key = request.GET.get("recherche", "")
    groups = []
    for group in step.groups:
        fields = [wizard_fields[field_id] for field_id in group.fields]
        has_errors = any(f.errors for f in fields)
        visible = not group.condition or conditions.get(group.condition, False) or has_errors
        lookups = [
            build_lookup(
                request,
                draft,
                key,
                terms=search_terms(request.GET.get("q", "")) if key == searched_key else "",
                searched=key == searched_key,
                person_names=person_names,
            )
            for key in group.lookups
        ]
        has_values = any(data.get(field_id) not in (None, "") for field_id in group.fields)
        groups.append(WizardGroup(group, fields, visible, lookups, has_values))

    summary = [
        (f.full_label, message, f.anchor)
        for group in groups
        for f in group.fields
        if group.visible
        for message in f.errors[:1]
    ]
    steps = []
    saved = saved_steps(draft)
    for other in wizard.STEPS:
        incomplete = other.slug in saved and any(field_id in result.errors for field_id in other.field_ids)
        steps.append(
            {"step": other, "current": other.slug == slug, "saved": other.slug in saved, "incomplete": incomplete}
        )
    context = {
        "draft": draft,
        "step": step,
        "steps": steps,
        "step_number": wizard.step_index(slug) + 1,
        "step_count": len(wizard.STEPS),
        "previous_step": wizard.previous_step(slug),
        "next_step": wizard.next_step(slug),
        "groups": groups,
        "fields": wizard_fields,
        "summary": summary,
        "conditions": conditions,
        "apprentice": apprentice_name(data),
        "active_menu": "requests",
        "remuneration_proposed": remuneration_proposed,
        "fait_le": parse_date(data.get("contrat_date_conclusion")),
        "is_valid": result.is_valid,
        "warning_count": sum(len(messages_) for messages_ in result.warnings.values()),
    }
    if slug == "contrat":
        context["remuneration"] = remuneration_rows(wizard_fields, data)
        context["btp_grid"] = apprenticeship.uses_btp_grid(data)
    elif slug == "documents":
        context.update(documents_context(draft, (extra or {}).get("upload_errors")))
    elif slug == "transmettre":
        context["problems"] = problems_context(draft, result)
    if extra:
        context.update(extra)
    return context


def problems_context(draft, validation=None) -> list[dict]:
    """submission_problems(), each with a link to the step and field to correct (`validation`: validate_request()
    of the draft, already done)."""
    problems = []
    for key, messages_ in submission_problems(draft, validation=validation).items():
        if isinstance(messages_, str):
            messages_ = [messages_]
        if key in FIELDS or key in wizard.STEP_OF_FIELD:
            slug = wizard.STEP_OF_FIELD.get(key, "validation")
            label = FIELDS[key].label if key in FIELDS else key
            url = step_url(draft, slug, field_anchor(key), verifier=1)
        else:  # DOCUMENTS_KEY: the required documents missing
            slug = "documents"
            label = "Documents" if key == DOCUMENTS_KEY else key
            url = step_url(draft, "documents")
        problems.append(
            {"label": label, "messages": list(messages_), "url": url, "step": wizard.STEPS_BY_SLUG[slug].title}
        )
    return problems


def save_step(draft, step: Step, post, *, mark_saved: bool = True, going_to: str = ""):
    """Save the step's fields from the POST; `going_to`: the step the user goes to, where "Reprendre" will open."""
    readonly = readonly_fields(draft, step.slug)
    values = wizard.values_from_post(step, post, readonly=readonly)
    values.update(derived_values(draft, step.slug, values))
    if mark_saved and step.slug not in saved_steps(draft):
        values[wizard.SAVED_STEPS_KEY] = [*saved_steps(draft), step.slug]
    return services.save_draft(draft, values, step=going_to or step.slug)


def apply_selection(request, draft, value: str) -> tuple[dict, str]:
    """A look-up result chosen ("select" button): the values it copies into the draft, and what to tell the user.
    A person outside the user's scope (scoped_persons), or an unknown referential entry, answers 404."""
    if text_problem(value) is not None:  # a forged value: no look-up in the database with it
        raise Http404
    kind, _, key = value.partition(":")
    data = draft.data
    if kind == "person":
        target, _, pk = key.partition(":")
        if target not in apprenticeship.PERSON_TARGETS or not pk.isdecimal():
            raise Http404
        person = get_object_or_404(scoped_persons(request, draft), pk=int(pk))
        message = f"{person} est sélectionné(e) comme {apprenticeship.PERSON_TARGETS[target]}."
        return apprenticeship.person_values(target, person), message
    if kind == "cfa":
        centre = get_object_or_404(TrainingCentre, uai=key, is_active=True)
        return apprenticeship.cfa_values(centre), f"CFA sélectionné : {centre.name} (UAI {centre.uai})."
    if kind == "diplome":
        code, label = CERTIFICATION_NOT_FOUND
        if key == code:
            return (
                {"formation_code_diplome": code},
                f"Code diplôme : {code} – {label}. Précisez le diplôme ou titre visé et son intitulé précis.",
            )
        diploma = get_object_or_404(Diploma, cfd=key)
        values = apprenticeship.diploma_values(diploma)
        if not data.get("formation_code_rncp"):
            linked = list(
                RncpCertification.objects.filter(diploma_links__diploma=diploma, is_active=True).values_list(
                    "code", flat=True
                )[:2]
            )
            if len(linked) == 1:
                values["formation_code_rncp"] = linked[0]
        return values, f"Diplôme sélectionné : {diploma.cfd} – {diploma.title}."
    if kind == "rncp":
        certification = get_object_or_404(RncpCertification, code=key, is_active=True)
        values = apprenticeship.rncp_values(certification, keep_title=bool(data.get("formation_intitule_precis")))
        return values, f"Certification sélectionnée : {certification.code} – {certification.title}."
    raise Http404


def clear_selection(key: str) -> tuple[dict, str]:
    if key in apprenticeship.PERSON_TARGETS:
        return apprenticeship.cleared_person(
            key
        ), f"{apprenticeship.PERSON_TARGETS[key].capitalize()} a été retiré(e) de la demande."
    if key == "cfa":
        return dict.fromkeys(apprenticeship.CFA_FIELDS), "Le CFA a été retiré : recherchez-en un autre."
    raise Http404


def autosave_response(draft, step):
    result = validate_request(draft)
    errors = result.for_fields(step.field_ids)
    return JsonResponse(
        {
            "saved": True,
            "message": f"Brouillon enregistré à {timezone.localtime():%H:%M}.",
            "conditions": wizard.conditions(draft.data),
            "errors": errors.errors,
            "warnings": errors.warnings,
        }
    )


def refused_autosave_response(draft, input_errors):
    """A value the draft cannot keep (a control character): nothing saved, the message next to the field."""
    return JsonResponse(
        {
            "saved": False,
            "message": "Brouillon non enregistré : corrigez le champ signalé.",
            "conditions": wizard.conditions(draft.data),
            "errors": input_errors,
            "warnings": {},
        }
    )


@draft_view(kind=RequestKind.APPRENTICESHIP)
@require_http_methods(["GET", "POST"])
def request_step(request, draft, step):
    step = wizard.STEPS_BY_SLUG[step]
    template = f"egestion/requests/step_{step.slug}.html" if not step.groups else "egestion/requests/step.html"
    if request.method == "GET":
        return render(request, template, step_context(request, draft, step))

    action = request.POST.get("action", "save")
    input_errors = data_errors(wizard.values_from_post(step, request.POST, readonly=readonly_fields(draft, step.slug)))
    if request.headers.get(AUTOSAVE_HEADER):
        if not step.groups:
            return JsonResponse({"saved": False})
        if input_errors:
            return refused_autosave_response(draft, input_errors)
        draft = save_step(draft, step, request.POST, mark_saved=False)
        return autosave_response(draft, step)
    if input_errors:  # nothing of the step is saved: the fields to correct are shown
        context = step_context(request, draft, step, input_errors=input_errors)
        return render(request, template, context, status=400)

    if step.slug == "documents":
        if action.startswith("remove-document:"):
            remove_document(request, draft, action)
            return redirect(step_url(draft, step.slug))
        upload_errors = handle_documents(request, draft)
        if upload_errors:  # the draft stays as it was: nothing of the step is saved
            extra = {"upload_errors": upload_errors}
            return render(request, template, step_context(request, draft, step, extra=extra))
    elif step.slug == "transmettre" and action == "transmit":
        return transmit(
            request,
            draft,
            lambda errors: render(
                request, template, step_context(request, draft, step, extra={"transmit_errors": errors}), status=400
            ),
        )

    before = wizard.conditions(draft.data)
    verb, _, argument = action.partition(":")
    going_to = {
        "next": wizard.next_step(step.slug),
        "previous": wizard.previous_step(step.slug),
        "goto": argument if argument in wizard.STEPS_BY_SLUG else None,
    }.get(verb)
    draft = save_step(draft, step, request.POST, going_to=going_to or step.slug)

    if verb == "next":
        after = wizard.conditions(draft.data)
        appeared = [
            group
            for group in step.groups
            if group.condition and after.get(group.condition) and not before.get(group.condition)
        ]
        if appeared:  # without JavaScript, a block this step now asks: shown before moving on
            services.save_draft(draft, {}, step=step.slug)
            titles = ", ".join(group.title for group in appeared)
            messages.info(request, f"Brouillon enregistré. Complétez maintenant : {titles}.")
            return redirect(step_url(draft, step.slug, f"groupe-{appeared[0].key}"))
        return redirect(step_url(draft, wizard.next_step(step.slug) or step.slug))
    if verb == "previous":
        return redirect(step_url(draft, wizard.previous_step(step.slug) or step.slug))
    if verb == "goto" and argument in wizard.STEPS_BY_SLUG:
        return redirect(step_url(draft, argument))
    if verb == "search":
        terms = search_terms(request.POST.get(f"q_{argument}", ""))
        return redirect(step_url(draft, step.slug, f"lookup-{argument}", recherche=argument, q=terms))
    if verb == "select" or request.POST.get("select"):
        values, message = apply_selection(request, draft, request.POST.get("select", argument))
        draft = services.save_draft(draft, values, step=step.slug)
        messages.success(request, message)
        return redirect(step_url(draft, step.slug, f"groupe-{_group_of_lookup(step, values)}"))
    if verb == "clear":
        values, message = clear_selection(argument)
        services.save_draft(draft, values, step=step.slug)
        messages.success(request, message)
        return redirect(step_url(draft, step.slug, f"lookup-{argument}"))
    if verb == "new-person" and argument in apprenticeship.PERSON_TARGETS:
        url = reverse("egestion:request_person_new", kwargs={"public_id": draft.public_id})
        return redirect(f"{url}?{urlencode({'cible': argument})}")
    if verb == "suggest-remuneration":
        suggestion = suggested_remuneration(draft.data)
        if suggestion:
            services.save_draft(
                draft, {**dict.fromkeys(apprenticeship.REMUNERATION_FIELDS), **suggestion}, step=step.slug
            )
            messages.success(
                request,
                "Les lignes de rémunération ont été recalculées au minimum de l'accord de branche du BTP."
                if apprenticeship.uses_btp_grid(draft.data)
                else "Les lignes de rémunération ont été recalculées au minimum légal.",
            )
        else:
            messages.error(
                request,
                "Pour calculer la rémunération, renseignez la date de naissance de l'apprenti(e) et les dates de "
                "début et de fin du contrat.",
            )
        return redirect(step_url(draft, step.slug, "groupe-remuneration"))
    if verb != "upload":  # a document uploaded has said so already
        messages.success(request, "Brouillon enregistré.")
    return redirect(step_url(draft, step.slug))


def _group_of_lookup(step, values) -> str:
    for group in step.groups:
        if any(field_id in values for field_id in group.fields):
            return group.key
    return step.groups[0].key if step.groups else ""


@draft_view(kind=RequestKind.APPRENTICESHIP)
def request_lookup(request, draft, kind):
    """The results of a look-up, as the htmx partial that lists them (without JavaScript, the step page with them)."""
    terms = search_terms(request.GET.get("q") or request.GET.get(f"q_{kind}") or "")
    if kind not in apprenticeship.PERSON_TARGETS and kind not in LOOKUP_LABELS:
        raise Http404
    if not request.headers.get("HX-Request"):
        slug = wizard.PERSON_TARGET_STEP.get(kind, "formation")
        return redirect(step_url(draft, slug, f"lookup-{kind}", recherche=kind, q=terms))
    lookup = build_lookup(request, draft, kind, terms=terms, searched=True)
    return render(request, "egestion/requests/includes/lookup_results.html", {"lookup": lookup})


@draft_view(kind=RequestKind.APPRENTICESHIP)
@require_http_methods(["GET", "POST"])
def request_person_new(request, draft):
    """ "+": create a person of the company and choose them at once for the draft."""
    target = request.GET.get("cible", "")
    if target not in apprenticeship.PERSON_TARGETS:
        raise Http404
    slug = wizard.PERSON_TARGET_STEP[target]
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.organisation_id = draft.employer_establishment.organisation_id
        person.establishment_id = draft.employer_establishment_id
        person.save()
        services.save_draft(draft, apprenticeship.person_values(target, person), step=slug)
        messages.success(
            request, f"{person} est créé(e) et sélectionné(e) comme {apprenticeship.PERSON_TARGETS[target]}."
        )
        return redirect(step_url(draft, slug, f"lookup-{target}"))
    context = {
        "draft": draft,
        "form": form,
        "target": target,
        "who": apprenticeship.PERSON_TARGETS[target],
        "back_url": step_url(draft, slug, f"lookup-{target}"),
        "active_menu": "requests",
    }
    return render(request, "egestion/requests/person_new.html", context, status=400 if form.errors else 200)
