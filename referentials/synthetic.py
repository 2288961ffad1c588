"""Synthetic referential entries for the benchmarks: `load_referentials --generate N`.

N entries in all: 25 % CFAs, 40 % RNCP certifications (at most 50 000, each linked to one synthetic diploma), 5 %
collective agreements (at most 2 000), the rest diplomas. Titles are drawn from building-trade
words with a seeded `random.Random`, so that a word such as « maçon » matches a realistic share of the entries.

They never touch the sample entries, thanks to number ranges of their own: UAIs 9000000 to 9699999 (no such
département), SIRENs starting with 9, CFDs ending with a letter from V to Z followed by a letter, RNCP50000 and
above, IDCCs 4000-4999 and 6000-6999. The same N and seed always give the same entries: a second run adds nothing.
"""

import random
import time

from django.db import connection, transaction

from accounts.validators import luhn_complete, uai_check_letter
from referentials import codes
from referentials.models import CertificationLink, CollectiveAgreement, Diploma, RncpCertification, TrainingCentre

BATCH_SIZE = 5000
MAX_CFAS = 700_000
MAX_RNCP = 50_000
IDCC_CODES = [f"{n}" for n in range(4000, 5000)] + [f"{n}" for n in range(6000, 7000)]

TRADES = [
    "Maçon", "Carreleur mosaïste", "Charpentier bois", "Couvreur", "Menuisier fabricant", "Menuisier installateur",
    "Plâtrier plaquiste", "Peintre applicateur de revêtements", "Électricien", "Plombier chauffagiste",
    "Serrurier métallier", "Étancheur", "Tailleur de pierre", "Solier moquettiste", "Conducteur d'engins",
    "Canalisateur", "Constructeur de routes", "Géomètre topographe", "Dessinateur projeteur", "Conducteur de travaux",
    "Chef de chantier", "Économiste de la construction", "Technicien de maintenance", "Frigoriste",
    "Monteur en installations thermiques", "Agenceur", "Ébéniste", "Vitrier", "Façadier", "Zingueur", "Storiste",
    "Miroitier", "Coffreur bancheur", "Ferrailleur", "Installateur en génie climatique", "Domoticien", "Câbleur",
    "Soudeur", "Chaudronnier", "Mécanicien d'engins de chantier", "Grutier", "Technicien d'études du bâtiment",
    "Diagnostiqueur immobilier", "Thermicien", "Poseur de fermetures", "Ascensoriste", "Calorifugeur",
    "Applicateur en isolation", "Bardeur", "Charpentier métallique",
]  # fmt: skip
QUALIFIERS = [
    "bâtiment", "travaux publics", "génie climatique", "rénovation énergétique", "patrimoine bâti", "bois et dérivés",
    "aménagement finition", "gros œuvre", "second œuvre", "réseaux", "énergies renouvelables", "ouvrages d'art",
    "voirie", "maintenance", "agencement", "éco-construction", "structures métalliques", "isolation thermique",
    "monuments historiques", "habitat", "industrialisation", "domotique", "efficacité énergétique", "réhabilitation",
]  # fmt: skip
DIPLOMA_KINDS = [  # CFD prefix, sigle
    ("500", "CAP"), ("450", "BP"), ("400", "BAC PRO"), ("320", "BTS"), ("010", "MC"), ("250", "LIC PRO"),
    ("56T", "TP"), ("46T", "TP"), ("36T", "TP"), ("251", "BUT"), ("460", "BTM"), ("553", "CQP"),
]  # fmt: skip
CENTRE_KINDS = [
    "BTP CFA", "CFA DU BÂTIMENT", "CAMPUS DES MÉTIERS", "ÉCOLE DU BÂTIMENT", "CFA DES COMPAGNONS",
    "INSTITUT DES MÉTIERS DE L'ARTISANAT", "LYCÉE PROFESSIONNEL", "CFA RÉGIONAL DES TRAVAUX PUBLICS",
    "CENTRE DE FORMATION DU GÉNIE CLIMATIQUE", "PÔLE FORMATION DES INDUSTRIES",
]  # fmt: skip
CITIES = [
    ("75011", "PARIS"), ("92100", "BOULOGNE-BILLANCOURT"), ("93200", "SAINT-DENIS"), ("69007", "LYON"),
    ("38000", "GRENOBLE"), ("63000", "CLERMONT-FERRAND"), ("13008", "MARSEILLE"), ("06000", "NICE"),
    ("31200", "TOULOUSE"), ("34000", "MONTPELLIER"), ("33000", "BORDEAUX"), ("64000", "PAU"), ("44000", "NANTES"),
    ("49000", "ANGERS"), ("35000", "RENNES"), ("29200", "BREST"), ("59000", "LILLE"), ("80000", "AMIENS"),
    ("67000", "STRASBOURG"), ("57000", "METZ"), ("51100", "REIMS"), ("76000", "ROUEN"), ("14000", "CAEN"),
    ("45000", "ORLÉANS"), ("37000", "TOURS"), ("21000", "DIJON"), ("25000", "BESANÇON"), ("87000", "LIMOGES"),
    ("86000", "POITIERS"), ("20000", "AJACCIO"), ("97400", "SAINT-DENIS"), ("74000", "ANNECY"),
]  # fmt: skip
STREETS = ["RUE DES ARTISANS", "AVENUE DU BÂTIMENT", "CHEMIN DES COMPAGNONS", "BOULEVARD DE L'INDUSTRIE", "ZA LES PINS"]
SECTORS = [
    "entreprises de services", "industries de la fabrication", "commerces de gros", "activités du déchet",
    "entreprises de propreté", "métiers de la plasturgie", "industries du papier carton", "organismes de formation",
    "entreprises de l'eau", "activités de la menuiserie industrielle", "entreprises du paysage", "cabinets d'études",
]  # fmt: skip


def split(total: int) -> dict[str, int]:
    """How many entries each referential gets; what a capped one cannot take goes to the diplomas."""
    sizes = {"cfa": min(total * 25 // 100, MAX_CFAS), "idcc": min(total * 5 // 100, len(IDCC_CODES))}
    sizes["rncp"] = min(total * 40 // 100, MAX_RNCP)
    sizes["diplomas"] = total - sum(sizes.values())
    return sizes


def _title(rng: random.Random) -> str:
    title = f"{rng.choice(TRADES)} - {rng.choice(QUALIFIERS)}"
    return f"{title} et {rng.choice(QUALIFIERS)}" if rng.random() < 0.3 else title


def synthetic_cfd(index: int) -> str:
    """Index -> a CFD of the synthetic range: every kind in turn, then 3 digits, then 2 letters (V-Z, A-Z)."""
    prefix = DIPLOMA_KINDS[index % len(DIPLOMA_KINDS)][0]
    number, block = index // len(DIPLOMA_KINDS) % 1000, index // len(DIPLOMA_KINDS) // 1000
    return f"{prefix}{number:03d}{'VWXYZ'[block % 5]}{chr(65 + (block // 5) % 26)}"


def training_centres(count: int, rng: random.Random):
    for i in range(count):
        digits = f"{9_000_000 + i}"
        postal_code, city = rng.choice(CITIES)
        yield TrainingCentre(
            uai=digits + uai_check_letter(digits),
            siret=luhn_complete(luhn_complete(f"9{i:07d}") + "0001"),
            name=f"{rng.choice(CENTRE_KINDS)} {city} {i % 997 + 1}",
            street_number=str(rng.randint(1, 250)),
            street=rng.choice(STREETS),
            postal_code=postal_code,
            city=city,
            is_active=rng.random() < 0.95,
        )


def diplomas(count: int, rng: random.Random):
    for i in range(count):
        cfd = synthetic_cfd(i)
        sigle = dict(DIPLOMA_KINDS)[cfd[:3]]
        yield Diploma(
            cfd=cfd,
            title=_title(rng).upper(),
            short_title=sigle,
            level=codes.level_for_diploma_code(codes.diploma_code_for_cfd(cfd)),
        )


def certifications(count: int, diploma_count: int, rng: random.Random):
    for i in range(count):
        cfd = synthetic_cfd(i % diploma_count) if diploma_count else ""
        sigle = dict(DIPLOMA_KINDS)[cfd[:3]] if cfd else "Titre"
        yield RncpCertification(
            code=f"RNCP{50_000 + i}",
            title=_title(rng),
            short_title=sigle,
            level=codes.level_for_diploma_code(codes.diploma_code_for_cfd(cfd)) if cfd else None,
            is_active=rng.random() < 0.85,
        )


def collective_agreements(count: int, rng: random.Random):
    for idcc in IDCC_CODES[:count]:
        yield CollectiveAgreement(
            idcc=idcc,
            title=f"Convention collective nationale des {rng.choice(SECTORS)} ({rng.choice(QUALIFIERS)}) n° {idcc}",
            in_force=rng.random() < 0.8,
            legal_status="VIGUEUR_ETEN",
        )


def _insert(model, objects) -> int:
    before = model.objects.count()
    batch = []
    for obj in objects:
        obj.refresh_derived()
        batch.append(obj)
        if len(batch) == BATCH_SIZE:
            model.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    model.objects.bulk_create(batch, ignore_conflicts=True)
    return model.objects.count() - before


def generate(total: int, *, seed: int = 2026, log=print) -> dict[str, int]:
    """Add `total` synthetic entries (see the module docstring); returns how many rows each table gained."""
    sizes = split(total)
    added = {}
    started = time.monotonic()
    with transaction.atomic():
        added["CFA"] = _insert(TrainingCentre, training_centres(sizes["cfa"], random.Random(f"{seed}-cfa")))
        added["Diplômes"] = _insert(Diploma, diplomas(sizes["diplomas"], random.Random(f"{seed}-diplomas")))
        rng = random.Random(f"{seed}-rncp")
        added["Certifications RNCP"] = _insert(RncpCertification, certifications(sizes["rncp"], sizes["diplomas"], rng))
        rng = random.Random(f"{seed}-idcc")
        added["Conventions collectives"] = _insert(CollectiveAgreement, collective_agreements(sizes["idcc"], rng))
        added["Liens RNCP - code diplôme"] = _link(sizes["rncp"], sizes["diplomas"])
    with connection.cursor() as cursor:  # fresh statistics, so that the planner sees the new volumes at once
        for model in (TrainingCentre, Diploma, RncpCertification, CollectiveAgreement, CertificationLink):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    log(
        f"Référentiels synthétiques : {sum(sizes.values())} entrées demandées, "
        f"{sum(v for k, v in added.items() if not k.startswith('Liens'))} ajoutées "
        f"en {time.monotonic() - started:.1f} s ({', '.join(f'{k} +{v}' for k, v in added.items())})."
    )
    return added


def _link(rncp_count: int, diploma_count: int) -> int:
    if not rncp_count or not diploma_count:
        return 0
    rncp_ids = dict(
        RncpCertification.objects.filter(code__gte="RNCP50000", code__lte="RNCP99999").values_list("code", "id")
    )
    cfds = {synthetic_cfd(i) for i in range(min(rncp_count, diploma_count))}
    diploma_ids = dict(Diploma.objects.filter(cfd__in=cfds).values_list("cfd", "id"))
    links = [
        CertificationLink(
            rncp_id=rncp_ids[f"RNCP{50_000 + i}"], diploma_id=diploma_ids[synthetic_cfd(i % diploma_count)]
        )
        for i in range(rncp_count)
        if f"RNCP{50_000 + i}" in rncp_ids and synthetic_cfd(i % diploma_count) in diploma_ids
    ]
    before = CertificationLink.objects.count()
    CertificationLink.objects.bulk_create(links, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return CertificationLink.objects.count() - before
