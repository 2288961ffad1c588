"""Loading the NPEC referential from France compétences' open-data file ("Référentiel des NPEC", exported as CSV).

Same reader and rules as the CERFA referentials (`referentials.importers`): columns matched by normalised name,
every line checked, rejected lines listed with their number and a French reason, and an idempotent upsert keyed on
(certification, IDCC, start of validity): loading the same file twice changes nothing the second time.
"""

from decimal import Decimal, InvalidOperation
from operator import attrgetter
from pathlib import Path

from django.db import transaction

from invoicing.models import NpecAmount
from invoicing.plans import forget_plans_of_certifications
from referentials import codes
from referentials.importers import Column, LoadResult, Reject, _check, _date, _text, changed_objects, read_csv

SAMPLE_FILE = Path(__file__).resolve().parent / "samples" / "npec.csv"

NPEC_COLUMNS = [
    Column("code", ("code_rncp", "code_certification", "certification", "code_diplome"), required=True),
    Column("title", ("libelle_de_la_certification", "intitule_de_la_certification", "intitule", "libelle")),
    Column("cpne", ("cpne", "libelle_cpne")),
    Column("idcc", ("idcc", "code_idcc"), required=True),
    Column("amount", ("npec_final", "npec", "valeur_npec", "montant_npec"), required=True),
    Column("valid_from", ("date_d_applicabilite_des_npec", "date_d_applicabilite", "date_de_debut"), required=True),
    Column("valid_until", ("date_de_fin_d_applicabilite", "date_de_fin")),
]


def _amount(value: str) -> Decimal:
    text = value.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Reject(f"montant NPEC « {value} » illisible") from None
    if amount <= 0:
        raise Reject(f"montant NPEC « {value} » : un montant positif est attendu")
    return amount.quantize(Decimal("0.01"))


def build_npec(values: dict) -> NpecAmount:
    code = codes.normalise_rncp(values["code"]) if values["code"].strip() else ""
    if not code:
        raise Reject("code de la certification absent")
    idcc = codes.normalise_idcc(values["idcc"])
    if not idcc:
        raise Reject("IDCC absent")
    _check(codes.validate_idcc, idcc, "IDCC")
    valid_from = _date(values["valid_from"], "date d'applicabilité")
    if valid_from is None:
        raise Reject("date d'applicabilité absente")
    valid_until = _date(values.get("valid_until", ""), "date de fin")
    if valid_until and valid_until < valid_from:
        raise Reject("la date de fin précède la date d'applicabilité")
    return NpecAmount(
        certification_code=code,
        certification_title=_text(values.get("title", ""), "intitulé", 500),
        cpne=_text(values.get("cpne", ""), "CPNE", 255),
        idcc=idcc,
        annual_amount=_amount(values["amount"]),
        valid_from=valid_from,
        valid_until=valid_until,
    )


KEY = ("certification_code", "idcc", "valid_from")
FIELDS = ("certification_title", "cpne", "annual_amount", "valid_until")


def load_npec(path) -> LoadResult:
    result = LoadResult("NPEC", str(path))
    objects, seen = {}, {}
    for line, values in read_csv(path, NPEC_COLUMNS, result):
        result.read += 1
        try:
            obj = build_npec(values)
        except Reject as exc:
            result.reject(line, str(exc))
            continue
        key = tuple(getattr(obj, name) for name in KEY)
        if key in seen:
            result.reject(line, f"{key[0]} × IDCC {key[1]} au {key[2]:%d/%m/%Y} figure déjà ligne {seen[key]}")
            continue
        seen[key] = line
        objects[key] = obj
    with transaction.atomic():
        codes_read = {key[0] for key in objects}
        existing = {
            (row["certification_code"], row["idcc"], row["valid_from"]): row
            for row in NpecAmount.objects.filter(certification_code__in=codes_read).values(*KEY, *FIELDS)
        }
        changed = changed_objects(objects.values(), existing, attrgetter(*KEY), FIELDS, result)
        NpecAmount.objects.bulk_create(
            changed, update_conflicts=True, unique_fields=list(KEY), update_fields=[*FIELDS, "updated_at"]
        )
        forget_plans_of_certifications({obj.certification_code for obj in changed})  # bulk: no signal
    return result
