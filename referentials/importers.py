"""Loading the referentials from the CSV files of the public open-data sources (see samples/README.md).

Each loader reads one file, checks every line, and upserts the valid ones in batches of 5 000 (one SELECT of the
batch's existing rows, then one INSERT ... ON CONFLICT DO UPDATE of the new and changed ones): running it twice
changes nothing the second time. A line whose key is missing or invalid, or whose identifiers are wrong, is rejected
with its line number and the reason, in French, and not imported. Entries absent from a file are left alone.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.validators import validate_siret, validate_uai
from referentials import codes
from referentials.models import CertificationLink, CollectiveAgreement, Diploma, RncpCertification, TrainingCentre
from referentials.signals import rows_loaded

BATCH_SIZE = 5000
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"


class FileFormatError(Exception):
    """The file cannot be read as the expected referential (unreadable, no header, missing columns)."""


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class LoadResult:
    label: str
    path: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def reject(self, line: int, reason: str) -> None:
        self.rejections.append(Rejection(line, reason))

    def summary(self) -> str:
        return (
            f"{self.label} ({self.path}) : {self.read} ligne(s) lue(s), {self.created} créée(s), "
            f"{self.updated} mise(s) à jour, {self.unchanged} inchangée(s), {self.rejected} rejetée(s)"
        )


class Reject(Exception):
    """Raised while reading a line: the line is not imported, for this reason."""


# CSV reading -----------------------------------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """'Code Diplôme' -> 'code_diplome', 'Numero_Fiche' -> 'numero_fiche', 'FicheRNCP' -> 'ficherncp'."""
    return codes.normalise_text(name).replace(" ", "_")


@dataclass(frozen=True)
class Column:
    name: str  # the key rows are read under
    aliases: tuple[str, ...]  # accepted headers, normalised; the first one is the documented one
    required: bool = False


def read_csv(path, columns: list[Column], result: LoadResult) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {column name: stripped value}) for each non-blank line of the file.

    UTF-8, with or without a BOM (Windows-1252 is accepted with a note); the delimiter is the one the header line
    uses: semicolon, comma or tab. Columns are matched by normalised name against their aliases; other columns are
    ignored. Raises FileFormatError when a required column is missing.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
        result.notes.append("fichier non UTF-8 : lu en Windows-1252")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise FileFormatError("fichier vide ou sans ligne d'en-tête")
    positions = {normalise_header(cell): index for index, cell in reversed(list(enumerate(header)))}
    found = {}
    for column in columns:
        index = next((positions[alias] for alias in column.aliases if alias in positions), None)
        if index is not None:
            found[column.name] = index
        elif column.required:
            raise FileFormatError(
                f"colonne « {column.aliases[0]} » absente de l'en-tête ({delimiter!r} comme séparateur) ; "
                f"colonnes attendues : {expected_header(columns)}"
            )
    end_of_previous = reader.line_num
    for row in reader:
        line, end_of_previous = end_of_previous + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        yield line, {name: (row[index].strip() if index < len(row) else "") for name, index in found.items()}


def expected_header(columns: list[Column]) -> str:
    return ";".join(column.aliases[0] for column in columns)


# Value parsing ---------------------------------------------------------------------------------------------------


def _spaces(value: str) -> str:
    return " ".join(value.split())


def _text(value: str, label: str, max_length: int, *, required: bool = False) -> str:
    value = _spaces(value)
    if required and not value:
        raise Reject(f"{label} absent(e)")
    if len(value) > max_length:
        raise Reject(f"{label} trop long(ue) ({len(value)} caractères, {max_length} au plus)")
    return value


def _check(validator, value: str, label: str) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise Reject(f"{label} « {value} » refusé : {exc.messages[0]}") from None


TRUE_WORDS = {"1", "o", "oui", "y", "yes", "true", "vrai", "actif", "active", "a", "ouvert"}
FALSE_WORDS = {"0", "n", "non", "no", "false", "faux", "inactif", "inactive", "f", "ferme", "fermee"}


def _boolean(value: str, label: str, default: bool = True) -> bool:
    word = codes.normalise_text(value)
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise Reject(f"valeur « {value} » de la colonne {label} non reconnue")


def _date(value: str, label: str) -> datetime.date | None:
    value = value.strip()[:10]
    if not value:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            pass
    raise Reject(f"{label} « {value} » illisible (JJ/MM/AAAA ou AAAA-MM-JJ attendu)")


def _level(value: str) -> int | None:
    """'NIV5', '5', '05' -> 5; anything else (REPRISE, 00, blank) -> None."""
    digits = re.sub(r"\D", "", value or "")
    return int(digits) if digits and 3 <= int(digits) <= 8 else None


def _pad_uai(code: str) -> str:
    """Spreadsheets drop leading zeros: '312101R' -> '0312101R' (the check letter then confirms the digits)."""
    return code.zfill(8) if re.fullmatch(r"\d{6}[A-Z]", code) else code


def _pad_cfd(code: str) -> str:
    """Spreadsheets drop leading zeros: '1023301' -> '01023301', when that gives a known prefix (010, 013)."""
    padded = code.zfill(8)
    if len(code) == 7 and codes.CFD_RE.fullmatch(padded) and padded[:3] in codes.CFD_PREFIX_TO_DIPLOMA_CODES:
        return padded
    return code


_STREET_NUMBER = re.compile(r"^(\d{1,5})\s*(BIS|TER|QUATER|QUINQUIES|B|T|Q|C)?\b[\s,]*(.*)$", re.IGNORECASE)
_REPETITION = {"BIS": "B", "TER": "T", "QUATER": "Q", "QUINQUIES": "C"}


def split_street(address: str) -> tuple[str, str, str]:
    """'18 BIS BOULEVARD LASCROSSES' -> ('18', 'B', 'BOULEVARD LASCROSSES'); no number -> ('', '', address)."""
    address = _spaces(address)
    match = _STREET_NUMBER.match(address)
    if not match or not match.group(3) or int(match.group(1)) == 0:
        return "", "", address
    index = (match.group(2) or "").upper()
    return str(int(match.group(1))), _REPETITION.get(index, index), match.group(3)


# The upsert ------------------------------------------------------------------------------------------------------


def changed_objects(objects, existing: dict, key_of, fields, result: LoadResult) -> list:
    """The objects new or different from their stored row (`existing`: key -> stored values), each counted in
    `result` as created, updated or unchanged."""
    changed = []
    for obj in objects:
        before = existing.get(key_of(obj))
        if before is None:
            result.created += 1
        elif any(before[name] != getattr(obj, name) for name in fields):
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        changed.append(obj)
    return changed


def upsert(model, key: str, objects: list, result: LoadResult) -> None:
    """Insert the new objects and update the changed ones, `BATCH_SIZE` at a time; counts into `result`."""
    fields = [f.name for f in model._meta.concrete_fields if f.name not in (key, "id", "updated_at")]
    for start in range(0, len(objects), BATCH_SIZE):
        batch = objects[start : start + BATCH_SIZE]
        for obj in batch:
            obj.refresh_derived()
        existing = {
            row[key]: row
            for row in model.objects.filter(**{f"{key}__in": [getattr(obj, key) for obj in batch]}).values(key, *fields)
        }
        changed = changed_objects(batch, existing, lambda obj: getattr(obj, key), fields, result)
        if changed:
            model.objects.bulk_create(
                changed, update_conflicts=True, unique_fields=[key], update_fields=[*fields, "updated_at"]
            )
            rows_loaded.send(sender=model, keys={getattr(obj, key) for obj in changed})


def _load(path, label, columns, build, model, key) -> LoadResult:
    """Read `path` with `columns`, turn each line into an object with `build(values)` (which raises Reject),
    drop the duplicates of a key already read, and upsert the rest in one transaction."""
    result = LoadResult(label, str(path))
    objects, seen = [], {}
    for line, values in read_csv(path, columns, result):
        result.read += 1
        try:
            obj = build(values)
        except Reject as exc:
            result.reject(line, str(exc))
            continue
        code = getattr(obj, key)
        if code in seen:
            result.reject(line, f"{code} figure déjà ligne {seen[code]} : cette ligne est ignorée")
            continue
        seen[code] = line
        objects.append(obj)
    with transaction.atomic():
        upsert(model, key, objects, result)
    return result


# CFAs ------------------------------------------------------------------------------------------------------------

CFA_COLUMNS = [
    Column("uai", ("uai", "numero_uai", "code_uai", "uai_etablissement"), required=True),
    Column("siret", ("siret", "numero_siret", "siret_etablissement")),
    Column("name", ("raison_sociale", "denomination", "nom", "nom_etablissement", "libelle"), required=True),
    Column("sign", ("enseigne",)),
    Column("address", ("adresse", "adresse_postale", "adresse_etablissement")),
    Column("complement", ("complement_adresse", "complement")),
    Column("postal_code", ("code_postal", "cp")),
    Column("city", ("commune", "localite", "ville", "libelle_commune")),
    Column("active", ("actif", "etat", "etat_administratif")),
    Column("street_number", ("numero_voie", "numero")),
    Column("street", ("voie", "libelle_voie", "nom_voie")),
]


def build_training_centre(values: dict) -> TrainingCentre:
    uai = _pad_uai(codes.normalise_uai(values["uai"]))
    if not uai:
        raise Reject("code UAI absent")
    _check(validate_uai, uai, "UAI")
    siret = codes.normalise_siret(values.get("siret", ""))
    if siret:
        _check(validate_siret, siret, "SIRET")
    postal_code = codes.compact(values.get("postal_code", ""))
    postal_code = postal_code.zfill(5) if len(postal_code) == 4 and postal_code.isdigit() else postal_code
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        raise Reject(f"code postal « {postal_code} » refusé : 5 chiffres attendus")
    if values.get("street"):
        number, index, street = split_street(f"{values.get('street_number', '')} {values['street']}")
    else:
        number, index, street = split_street(values.get("address", ""))
    return TrainingCentre(
        uai=uai,
        siret=siret,
        name=_text(values["name"], "raison sociale", 255, required=True),
        sign=_text(values.get("sign", ""), "enseigne", 255),
        street_number=number,
        repetition_index=index,
        street=_text(street, "adresse", 255),
        address_complement=_text(values.get("complement", ""), "complément d'adresse", 255),
        postal_code=postal_code,
        city=_text(values.get("city", ""), "commune", 100),
        is_active=_boolean(values.get("active", ""), "actif"),
    )


def load_training_centres(path) -> LoadResult:
    return _load(path, "CFA", CFA_COLUMNS, build_training_centre, TrainingCentre, "uai")


# Diplomas (BCN N_FORMATION_DIPLOME) ------------------------------------------------------------------------------

DIPLOMA_COLUMNS = [
    Column("cfd", ("formation_diplome", "code_diplome", "cfd"), required=True),
    Column("short_title", ("libelle_court",)),
    Column("title", ("libelle_long_200", "libelle_long", "intitule"), required=True),
    Column("closed_on", ("date_fermeture",)),
    Column("level", ("niveau_qualification_rncp", "niveau_europeen")),
]


def build_diploma(values: dict) -> Diploma:
    cfd = _pad_cfd(codes.normalise_cfd(values["cfd"]))
    if not cfd:
        raise Reject("code diplôme (FORMATION_DIPLOME) absent")
    _check(codes.validate_cfd, cfd, "code diplôme")
    return Diploma(
        cfd=cfd,
        title=_text(values["title"], "intitulé", 255, required=True),
        short_title=_text(values.get("short_title", ""), "sigle", 50),
        level=_level(values.get("level", "")),  # None: the diploma type's (Diploma.refresh_derived)
        closed_on=_date(values.get("closed_on", ""), "date de fermeture"),
    )


def load_diplomas(path) -> LoadResult:
    return _load(path, "Diplômes", DIPLOMA_COLUMNS, build_diploma, Diploma, "cfd")


# RNCP certifications (France Compétences, export « Standard ») --------------------------------------------------

RNCP_COLUMNS = [
    Column("code", ("numero_fiche", "code_rncp", "fiche_rncp"), required=True),
    Column("title", ("intitule", "intitule_certification"), required=True),
    Column("short_title", ("abrege_libelle", "abrege")),
    Column("level", ("nomenclature_europe_niveau", "niveau")),
    Column("ends_on", ("date_fin_enregistrement",)),
    Column("active", ("actif", "etat_fiche"), required=True),
]
ACTIVE_VALUES = {"active": True, "inactive": False}


def build_rncp(values: dict) -> RncpCertification:
    code = codes.normalise_rncp(values["code"])
    if not code:
        raise Reject("numéro de fiche absent")
    if re.fullmatch(r"RS\d+", code):
        raise Reject(f"{code} est une fiche du Répertoire spécifique (RS), pas une certification RNCP")
    _check(codes.validate_rncp, code, "code RNCP")
    active = codes.normalise_text(values["active"])
    if active not in ACTIVE_VALUES:
        raise Reject(f"colonne Actif : « {values['active']} » au lieu de ACTIVE ou INACTIVE")
    return RncpCertification(
        code=code,
        title=_text(values["title"], "intitulé", 500, required=True),
        short_title=_text(values.get("short_title", ""), "abrégé", 50),
        level=_level(values.get("level", "")),
        is_active=ACTIVE_VALUES[active],
        registration_ends_on=_date(values.get("ends_on", ""), "date de fin d'enregistrement"),
    )


def load_rncp(path) -> LoadResult:
    return _load(path, "Certifications RNCP", RNCP_COLUMNS, build_rncp, RncpCertification, "code")


# RNCP <-> code diplôme (Carif-Oref « kit apprentissage ») -----------------------------------------------------

LINK_COLUMNS = [
    Column("cfd", ("code_diplome", "codediplome", "formation_diplome", "cfd"), required=True),
    Column("rncp", ("ficherncp", "fiche_rncp", "code_rncp", "numero_fiche"), required=True),
]


def load_rncp_links(path) -> LoadResult:
    """Pairs of a certification and a code diplôme; both must already be in the referentials."""
    result = LoadResult("Liens RNCP - code diplôme", str(path))
    pairs = []
    for line, values in read_csv(path, LINK_COLUMNS, result):
        result.read += 1
        rncp = codes.normalise_rncp(values["rncp"])
        cfd = _pad_cfd(codes.normalise_cfd(values["cfd"]))
        try:
            if cfd in ("", "NR"):
                raise Reject(f"{rncp} : pas de code diplôme")
            _check(codes.validate_rncp, rncp, "code RNCP")
            _check(codes.validate_cfd, cfd, "code diplôme")
        except Reject as exc:
            result.reject(line, str(exc))
            continue
        pairs.append((line, rncp, cfd))
    with transaction.atomic():
        for start in range(0, len(pairs), BATCH_SIZE):
            _link_batch(pairs[start : start + BATCH_SIZE], result)
    return result


def _link_batch(pairs, result: LoadResult) -> None:
    rncp_ids = dict(RncpCertification.objects.filter(code__in={p[1] for p in pairs}).values_list("code", "id"))
    diploma_ids = dict(Diploma.objects.filter(cfd__in={p[2] for p in pairs}).values_list("cfd", "id"))
    existing = set(CertificationLink.objects.filter(rncp_id__in=rncp_ids.values()).values_list("rncp_id", "diploma_id"))
    new, seen = [], {}
    for line, rncp, cfd in pairs:
        if rncp not in rncp_ids:
            result.reject(line, f"{rncp} absent du référentiel RNCP (chargez d'abord --rncp)")
        elif cfd not in diploma_ids:
            result.reject(line, f"code diplôme {cfd} absent du référentiel des diplômes (chargez d'abord --diplomas)")
        elif (rncp, cfd) in seen:
            result.reject(line, f"lien {rncp} - {cfd} déjà lu ligne {seen[rncp, cfd]}")
        else:
            seen[rncp, cfd] = line
            pair = (rncp_ids[rncp], diploma_ids[cfd])
            if pair in existing:
                result.unchanged += 1
            else:
                result.created += 1
                new.append(CertificationLink(rncp_id=pair[0], diploma_id=pair[1]))
    CertificationLink.objects.bulk_create(new, ignore_conflicts=True)


# Collective agreements (KALI) ------------------------------------------------------------------------------------

IDCC_COLUMNS = [
    Column("idcc", ("idcc", "code_idcc", "numero_idcc"), required=True),
    Column("title", ("titre", "intitule", "titre_de_la_convention", "libelle"), required=True),
    Column("status", ("etat", "etat_juridique", "etat_kali")),
]
NOT_IN_FORCE = {"ABROGE", "DENONCE", "REMPLACE", "PERIME", "ANNULE", "NON_EN_VIGUEUR", "NON", "0", "FALSE", "FAUX"}
IN_FORCE = {"EN_VIGUEUR", "OUI", "1", "TRUE", "VRAI"}


def build_collective_agreement(values: dict) -> CollectiveAgreement:
    idcc = codes.normalise_idcc(values["idcc"])
    if not idcc:
        raise Reject("code IDCC absent")
    _check(codes.validate_idcc, idcc, "IDCC")
    status = codes.normalise_text(values.get("status", "")).upper().replace(" ", "_")
    if status and not (status.startswith("VIGUEUR") or status in IN_FORCE or status in NOT_IN_FORCE):
        raise Reject(f"état « {values['status']} » inconnu (VIGUEUR_ETEN, VIGUEUR_NON_ETEN, ABROGE, DENONCE…)")
    return CollectiveAgreement(
        idcc=idcc,
        title=_text(values["title"], "titre", 500, required=True),
        in_force=status not in NOT_IN_FORCE,
        legal_status=status[:30],
    )


def load_collective_agreements(path) -> LoadResult:
    return _load(
        path, "Conventions collectives (IDCC)", IDCC_COLUMNS, build_collective_agreement, CollectiveAgreement, "idcc"
    )


# Everything, in dependency order ---------------------------------------------------------------------------------

LOADERS = {
    "idcc": load_collective_agreements,
    "cfa": load_training_centres,
    "diplomas": load_diplomas,
    "rncp": load_rncp,
    "rncp_cfd": load_rncp_links,
}
SAMPLE_FILES = {
    "idcc": "idcc.csv",
    "cfa": "cfa.csv",
    "diplomas": "diplomes.csv",
    "rncp": "rncp.csv",
    "rncp_cfd": "rncp_cfd.csv",
}


def load_files(paths: dict[str, str | Path]) -> Iterable[LoadResult]:
    """Load the given files (keys of LOADERS) in dependency order: links last."""
    for name, loader in LOADERS.items():
        if paths.get(name):
            yield loader(paths[name])


def sample_paths() -> dict[str, Path]:
    return {name: SAMPLES_DIR / filename for name, filename in SAMPLE_FILES.items()}
