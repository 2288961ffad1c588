"""CSV imports of the registries from the back office: member companies, training providers, establishments, and
the CERFA referentials (through referentials.importers, the parser of `manage.py load_referentials`).

Each import reads the file with referentials.importers.read_csv (UTF-8 or Windows-1252, ';' ',' or tab, columns
matched by name), checks every line with the models' own validators, and upserts by its key (SIREN, SIRET):
importing the same file twice changes nothing the second time. A rejected line is reported with its number and the
reason, in French; the other lines are imported. Every run is kept as an ImportRun with its report.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Establishment, Organisation, OrganisationKind, Region
from accounts.validators import compact_digits
from backoffice.models import ImportKind, ImportRun
from common.history import ADDITION, CHANGE, log_change
from referentials import importers
from referentials.codes import normalise_idcc
from referentials.importers import Column, LoadResult, Reject, read_csv

ORGANISATION_COLUMNS = [
    Column("siren", ("siren",), required=True),
    Column("name", ("raison_sociale", "nom", "denomination"), required=True),
    Column("member_number", ("numero_adherent", "n_adherent", "adherent")),
    Column("contact_email", ("email_contact", "email", "courriel")),
]
ESTABLISHMENT_COLUMNS = [
    Column("siret", ("siret",), required=True),
    Column("name", ("raison_sociale", "nom", "denomination"), required=True),
    Column("sign", ("enseigne",)),
    Column("address_line1", ("adresse",)),
    Column("postal_code", ("code_postal", "cp")),
    Column("city", ("ville", "commune")),
    Column("region", ("region",)),
    Column("is_head_office", ("siege",)),
    Column("iban", ("iban",)),
    Column("bic", ("bic",)),
    Column("nda", ("nda", "numero_declaration_activite")),
    Column("uai", ("uai",)),
    # What the CERFA FA13 asks of the employer (pre-filled in the apprenticeship wizard).
    Column("naf_code", ("code_naf", "naf", "ape")),
    Column("headcount", ("effectif",)),
    Column("idcc", ("idcc", "code_idcc")),
]


def _naf(value: str) -> str:
    """ "4399C" or "43.99C" → "43.99C" (the CERFA's form)."""
    code = value.replace(" ", "").upper()
    if not code:
        return ""
    if re.fullmatch(r"\d{4}[A-Z]", code):
        code = f"{code[:2]}.{code[2:]}"
    if not re.fullmatch(r"\d{2}\.\d{2}[A-Z]", code):
        raise Reject(f"code NAF invalide « {value} » (4 chiffres et une lettre, ex. : 43.99C)")
    return code


def _headcount(value: str) -> int | None:
    digits = value.replace(" ", "").replace("\u00a0", "")
    if not digits:
        return None
    if not digits.isdigit():
        raise Reject(f"effectif invalide « {value} » (un nombre entier)")
    return int(digits)


def _idcc(value: str) -> str:
    code = normalise_idcc(value) if value.strip() else ""
    if code and not re.fullmatch(r"\d{4}", code):
        raise Reject(f"IDCC invalide « {value} » (4 chiffres)")
    return code


REFERENTIALS = {
    "idcc": "Conventions collectives (KALI)",
    "cfa": "CFA (référentiel des organismes)",
    "diplomas": "Diplômes (BCN)",
    "rncp": "Certifications RNCP",
    "rncp_cfd": "Liens RNCP ↔ code diplôme",
}


def _errors(error: ValidationError, model) -> str:
    """'SIRET : Le SIRET … ; IBAN : …' with the fields' French names."""
    if not hasattr(error, "message_dict"):
        return " ; ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        label = "" if field == "__all__" else f"{model._meta.get_field(field).verbose_name} : "
        parts += [f"{label}{message}" for message in messages]
    return " ; ".join(parts)


def _region(value: str) -> str:
    if not value:
        return ""
    upper = value.strip().upper()
    if upper in Region.values:
        return upper
    for code, label in Region.choices:
        if importers.codes.normalise_text(label) == importers.codes.normalise_text(value):
            return code
    raise Reject(f"région « {value} » inconnue (code ARA, BRE… ou nom de la région)")


def _upsert(obj, values: dict, *, created: bool, result: LoadResult, exclude=()) -> bool:
    """Set `values` on `obj`, validate, save; counts into `result`. Raises Reject with the validation errors."""
    changed = created or any(getattr(obj, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(obj, name, value)
    if not changed:
        result.unchanged += 1
        return False
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise Reject(_errors(error, type(obj))) from None
    obj.save()
    if created:
        result.created += 1
    else:
        result.updated += 1
    return True


def _upsert_rows(path, columns, result: LoadResult, *, model, key: str, label: str, fields_of, prefetch=None) -> None:
    """Read the CSV, then upsert each line by its key (`key`, a unique field of `model`: SIREN or SIRET).

    `fields_of(key_value, values, existing)` gives the model's fields for a line (or raises Reject); `prefetch(keys)`
    reads, in one query, what it needs besides the existing objects. A key seen twice in the file rejects the later
    line; each line is saved in its own transaction, so a rejected line leaves the others imported."""
    rows = list(read_csv(path, columns, result))
    keys = [compact_digits(values[key]) for _, values in rows]
    existing_by_key = model.objects.in_bulk(set(keys), field_name=key)
    if prefetch is not None:
        prefetch(keys)
    seen = {}
    for (line, values), value in zip(rows, keys, strict=True):
        result.read += 1
        try:
            if value in seen:
                raise Reject(f"{label} {value} figure déjà ligne {seen[value]} : cette ligne est ignorée")
            seen[value] = line
            existing = existing_by_key.get(value)
            fields = fields_of(value, values, existing)
            with transaction.atomic():
                _upsert(existing or model(), fields, created=existing is None, result=result)
        except Reject as exc:
            result.reject(line, str(exc))


def _organisations(path, kind: str, result: LoadResult) -> None:
    def fields_of(siren, values, org):
        if org is not None and org.kind != kind:
            raise Reject(f"SIREN {siren} : déjà enregistré comme {org.get_kind_display().lower()}")
        fields = {
            "siren": siren,
            "kind": kind,
            "name": importers._text(values["name"], "raison sociale", 200, required=True),
            "contact_email": values.get("contact_email", "").strip().lower(),
        }
        if kind == OrganisationKind.COMPANY:
            member_number = values.get("member_number", "").strip()
            if not member_number:
                raise Reject("numéro d'adhérent absent (6 chiffres)")
            fields["member_number"] = member_number
        return fields

    _upsert_rows(
        path, ORGANISATION_COLUMNS, result, model=Organisation, key="siren", label="SIREN", fields_of=fields_of
    )


def import_members(path, result):
    _organisations(path, OrganisationKind.COMPANY, result)


def import_providers(path, result):
    _organisations(path, OrganisationKind.PROVIDER, result)


def import_establishments(path, result: LoadResult) -> None:
    organisations = {}

    def prefetch(sirets):
        organisations.update(Organisation.objects.in_bulk({siret[:9] for siret in sirets}, field_name="siren"))

    def fields_of(siret, values, establishment):
        organisation = organisations.get(siret[:9])
        if organisation is None:
            raise Reject(f"aucune organisation de SIREN {siret[:9]} : importez d'abord l'entreprise ou l'organisme")
        fields = {
            "organisation": organisation,
            "siret": siret,
            "name": importers._text(values["name"], "raison sociale", 200, required=True),
            "sign": importers._text(values.get("sign", ""), "enseigne", 200),
            "address_line1": importers._text(values.get("address_line1", ""), "adresse", 200),
            "postal_code": values.get("postal_code", "").strip(),
            "city": importers._text(values.get("city", ""), "ville", 100).upper(),
            "region": _region(values.get("region", "")),
            "is_head_office": importers._boolean(values.get("is_head_office", ""), "siège", default=False),
            "iban": values.get("iban", "").replace(" ", "").upper(),
            "bic": values.get("bic", "").replace(" ", "").upper(),
            "nda": compact_digits(values.get("nda", "")),
            "uai": values.get("uai", "").strip().upper(),
            "naf_code": _naf(values.get("naf_code", "")),
            "headcount": _headcount(values.get("headcount", "")),
            "idcc": _idcc(values.get("idcc", "")),
        }
        if establishment is not None:
            # A known establishment's bank details change only through a validated bank-details request (banking):
            # the file's IBAN/BIC give a new establishment its first ones, never replace them.
            if (fields["iban"], fields["bic"]) != (establishment.iban, establishment.bic) and (
                fields["iban"] or fields["bic"]
            ):
                result.notes.append(
                    f"SIRET {siret} : IBAN/BIC du fichier ignorés (ils ne changent que par une demande de "
                    "coordonnées bancaires validée)."
                )
            del fields["iban"], fields["bic"]
        return fields

    _upsert_rows(
        path,
        ESTABLISHMENT_COLUMNS,
        result,
        model=Establishment,
        key="siret",
        label="SIRET",
        fields_of=fields_of,
        prefetch=prefetch,
    )


REGISTRY_IMPORTERS = {
    ImportKind.MEMBERS: import_members,
    ImportKind.PROVIDERS: import_providers,
    ImportKind.ESTABLISHMENTS: import_establishments,
}


def run_import(*, kind: str, uploaded_file, user, referential: str = "") -> ImportRun:
    """Import an uploaded CSV file into a registry (or a referential: `referential` is a key of REFERENTIALS)."""
    name = getattr(uploaded_file, "name", "import.csv")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "import.csv"
        with path.open("wb") as target:
            for chunk in uploaded_file.chunks():
                target.write(chunk)
        if kind == ImportKind.REFERENTIAL:
            if referential not in importers.LOADERS:
                raise ValidationError("Choisissez le référentiel à importer.")
            try:
                result = importers.LOADERS[referential](path)
            except importers.FileFormatError as exc:
                raise ValidationError(f"Fichier illisible : {exc}") from None
        else:
            result = LoadResult(ImportKind(kind).label, name)
            try:
                REGISTRY_IMPORTERS[kind](path, result)
            except importers.FileFormatError as exc:
                raise ValidationError(f"Fichier illisible : {exc}") from None
    run = ImportRun.objects.create(
        kind=kind,
        file_name=name[:255],
        imported_by=user,
        read=result.read,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=result.rejected,
        report={
            "referential": REFERENTIALS.get(referential, ""),
            "notes": result.notes,
            "rejections": [{"line": r.line, "reason": r.reason} for r in result.rejections],
        },
    )
    log_change(user, run, result.summary(), ADDITION if result.created else CHANGE)
    return run
