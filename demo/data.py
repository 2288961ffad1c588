# ruff: noqa: E501 (tables read better one row per line)
"""The demo world, as data: who is who, which establishment trains whom, what was paid.

Identifiers are made up, with valid check digits (see demo/identifiers.py). Ranges kept apart from the others:
demo SIRENs never start with 3 (test factories) or 8 (benchmark data), demo dossier numbers start with 9920,
member numbers with 1 or 2, payment references are VIR548 to VIR555.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accounts.models import Civility, OrganisationKind, Region, Role
from backoffice.roles import ACCOUNTING, CASE_MANAGER
from dossiers.models import DossierStatus, Scheme

PASSWORD = "Constructys-2026!"
D = datetime.date


@dataclass(frozen=True)
class Org:
    key: str
    kind: str
    name: str
    siren_base: str
    member_number: str | None
    contact_email: str


@dataclass(frozen=True)
class Site:
    key: str
    org: str
    nic: int
    name: str
    address: str
    postal_code: str
    city: str
    region: str
    head_office: bool = False
    sign: str = ""
    address2: str = ""
    nda: str = ""
    uai_digits: str = ""
    bank: tuple[str, str, str] | None = None  # bank code, branch code, account number: the IBAN is computed
    bic: str = ""


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str
    civility: str
    first_name: str
    last_name: str
    function: str
    phone: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    memberships: tuple[tuple[str, str], ...] = ()  # (site key, role)
    portal: str = ""
    role_label: str = ""
    listed: bool = True  # printed in the logins table
    staff_role: str = CASE_MANAGER  # the back-office group of a staff user


@dataclass(frozen=True)
class Trainee:
    civility: str
    last_name: str
    first_name: str
    birth_date: datetime.date
    job_title: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class DossierSpec:
    seq: int
    employer: str
    provider: str | None
    scheme: str
    status: str
    title: str
    start: datetime.date
    end: datetime.date
    trainees: tuple[int, ...]  # indexes into the company's TRAINEES list
    created_by: str | None = None  # user key
    case_manager: str | None = "gestionnaire"
    unread: bool = False  # the last Constructys message stays unread for the company's demo users
    follow_up: bool = False  # the company asked a question yesterday (FOLLOW_UP), unread in the back office

    @property
    def number(self) -> str:
        return f"99200000{self.seq:02d}.01"

    @property
    def request_number(self) -> str:
        return f"{1403479 + self.seq}"


@dataclass(frozen=True)
class LineSpec:
    dossier: int  # DossierSpec.seq
    invoice_number: str
    invoice_date: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class PaymentSpec:
    reference: str
    paid_on: datetime.date
    beneficiary: str  # site key
    lines: tuple[LineSpec, ...] = field(default_factory=tuple)


ORGANISATIONS = [
    Org("bso", OrganisationKind.COMPANY, "BATIMENTS DU SUD-OUEST", "41285630", "104217", "contact@batiments-sud-ouest.fr"),
    Org("lefebvre", OrganisationKind.COMPANY, "MACONNERIE LEFEBVRE ET FILS", "52917448", "207531", "direction@maconnerie-lefebvre.fr"),
    Org("elecpro", OrganisationKind.COMPANY, "ELEC'PRO ANNECY", "47992212", "115962", "administratif@elecpro-annecy.fr"),
    Org("btpcfa", OrganisationKind.PROVIDER, "BTP CFA", "44813270", None, "relations.entreprises@btpcfa-exemple.fr"),
    Org("cma", OrganisationKind.PROVIDER, "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", "18310047", None, "formation@cma-occitanie-exemple.fr"),
    Org("aplomb", OrganisationKind.PROVIDER, "APLOMB FORMATION", "53408812", None, "contact@aplomb-formation-exemple.fr"),
]  # fmt: skip

SITES = [
    # BATIMENTS DU SUD-OUEST
    Site("bso-toulouse", "bso", 1, "BATIMENTS DU SUD-OUEST", "14 AVENUE DE LARRIEU", "31100", "TOULOUSE", Region.OCC, head_office=True, sign="BSO CONSTRUCTION", bank=("16807", "00021", "32145698700"), bic="CCBPFRPPTLS"),
    Site("bso-montauban", "bso", 2, "BATIMENTS DU SUD-OUEST", "3 RUE DES ORFEVRES", "82000", "MONTAUBAN", Region.OCC, sign="BSO CONSTRUCTION"),
    Site("bso-bordeaux", "bso", 3, "BATIMENTS DU SUD-OUEST", "27 QUAI DE BACALAN", "33300", "BORDEAUX", Region.NAQ, sign="BSO RENOVATION"),
    # MACONNERIE LEFEBVRE ET FILS
    Site("lefebvre-lille", "lefebvre", 1, "MACONNERIE LEFEBVRE ET FILS", "8 RUE DE L'HOPITAL MILITAIRE", "59000", "LILLE", Region.HDF, head_office=True, bank=("30004", "00823", "00010459871"), bic="BNPAFRPPXXX"),
    Site("lefebvre-arras", "lefebvre", 2, "MACONNERIE LEFEBVRE ET FILS", "45 AVENUE DU MARECHAL LECLERC", "62000", "ARRAS", Region.HDF, bank=("30004", "00823", "00010459872"), bic="BNPAFRPPXXX"),
    # ELEC'PRO ANNECY
    Site("elecpro-annecy", "elecpro", 1, "ELEC'PRO ANNECY", "12 AVENUE DE GENEVE", "74000", "ANNECY", Region.ARA, head_office=True),
    Site("elecpro-chambery", "elecpro", 2, "ELEC'PRO ANNECY", "5 RUE DE LA REPUBLIQUE", "73000", "CHAMBERY", Region.ARA, sign="ELEC'PRO SAVOIE"),
    Site("elecpro-albertville", "elecpro", 3, "ELEC'PRO ANNECY", "21 RUE GAMBETTA", "73200", "ALBERTVILLE", Region.ARA, sign="ELEC'PRO SAVOIE"),
    # BTP CFA: one CFA per region, each with its UAI
    Site("cfa-toulouse", "btpcfa", 1, "BTP CFA HAUTE-GARONNE", "3 CHEMIN DE LA CEPIERE", "31100", "TOULOUSE", Region.OCC, head_office=True, nda="76310412331", uai_digits="0312101", bank=("10278", "02250", "00020481601"), bic="CMCIFR2A"),
    Site("cfa-nord", "btpcfa", 2, "BTP CFA NORD", "67 RUE DU COMMERCE", "59650", "VILLENEUVE D'ASCQ", Region.HDF, nda="32590873759", uai_digits="0595123", bank=("10278", "02250", "00020481602"), bic="CMCIFR2A"),
    Site("cfa-annecy", "btpcfa", 3, "BTP CFA HAUTE-SAVOIE", "9 RUE DES TERRASSES", "74000", "ANNECY", Region.ARA, nda="84740096574", uai_digits="0741456", bank=("10278", "02250", "00020481603"), bic="CMCIFR2A"),
    # CHAMBRE DE METIERS: several establishments, one of them a CFA, one without bank details
    Site("cma-toulouse", "cma", 1, "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", "18 BIS BOULEVARD LASCROSSES", "31000", "TOULOUSE", Region.OCC, head_office=True, nda="76310917531", bank=("13135", "00080", "08123456789"), bic="CEPAFRPP313"),
    Site("cma-saint-jean", "cma", 2, "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", "CHEMIN DES VIGNES", "31240", "SAINT JEAN", Region.OCC, sign="CAMPUS DES METIERS - CFA", nda="76310917631", uai_digits="0311987", bank=("13135", "00080", "08123456790"), bic="CEPAFRPP313"),
    Site("cma-montpellier", "cma", 3, "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", "44 AVENUE SAINT-LAZARE", "34000", "MONTPELLIER", Region.OCC, nda="76340522134", bank=("13135", "00080", "08123456791"), bic="CEPAFRPP313"),
    Site("cma-perpignan", "cma", 4, "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", "9 AVENUE ALFRED SAUVY", "66000", "PERPIGNAN", Region.OCC, nda="76660318966"),  # no IBAN: the oGestion home flags it
    # APLOMB FORMATION: a private training organisation, NDA only
    Site("aplomb-paris", "aplomb", 1, "APLOMB FORMATION", "58 RUE DE LANCRY", "75010", "PARIS", Region.IDF, head_office=True, nda="11755512375", bank=("30003", "03620", "00020178453"), bic="SOGEFRPPXXX"),
    Site("aplomb-lyon", "aplomb", 2, "APLOMB FORMATION", "112 AVENUE JEAN JAURES", "69007", "LYON", Region.ARA, nda="84691587269", bank=("30003", "03620", "00020178454"), bic="SOGEFRPPXXX"),
    Site("aplomb-toulouse", "aplomb", 3, "APLOMB FORMATION", "6 RUE DES SEPT TROUBADOURS", "31000", "TOULOUSE", Region.OCC, nda="76311234531", bank=("30003", "03620", "00020178455"), bic="SOGEFRPPXXX"),
    Site("aplomb-bordeaux", "aplomb", 4, "APLOMB FORMATION", "19 COURS DU MEDOC", "33300", "BORDEAUX", Region.NAQ, nda="75331456733", bank=("30003", "03620", "00020178456"), bic="SOGEFRPPXXX"),
    # BTP CFA's Gironde CFA (the apprentices of Bordeaux's companies train there)
    Site("cfa-gironde", "btpcfa", 4, "BTP CFA GIRONDE", "2 RUE DE LA CHAPELLE", "33300", "BORDEAUX", Region.NAQ, nda="75330512733", uai_digits="0332789", bank=("10278", "02250", "00020481604"), bic="CMCIFR2A"),
]  # fmt: skip

_BSO_ALL = tuple((k, Role.COMPANY_MANAGER) for k in ("bso-toulouse", "bso-montauban", "bso-bordeaux"))
# Each training provider has its own référent: BTP CFA's (also its Digit Invest account), the CMA's, APLOMB's.
_REFERENT = tuple((s.key, Role.PROVIDER_REFERENT) for s in SITES if s.org == "btpcfa")
_CMA_REFERENT = tuple((s.key, Role.PROVIDER_REFERENT) for s in SITES if s.org == "cma")

USERS = [
    DemoUser(
        "entreprise",
        "entreprise@demo.constructys.fr",
        Civility.MADAME,
        "Sophie",
        "Martin",
        "Responsable ressources humaines",
        "0561234501",
        memberships=_BSO_ALL,
        portal="eGestion",
        role_label="Gestionnaire du compte - BATIMENTS DU SUD-OUEST (3 établissements)",
    ),
    DemoUser(
        "salarie",
        "salarie@demo.constructys.fr",
        Civility.MONSIEUR,
        "Julien",
        "Fabre",
        "Conducteur de travaux",
        "0563123402",
        memberships=(("bso-montauban", Role.COMPANY_USER),),
        portal="eGestion",
        role_label="Utilisateur - BATIMENTS DU SUD-OUEST, Montauban",
    ),
    DemoUser(
        "multi",
        "multi@demo.constructys.fr",
        Civility.MADAME,
        "Nadia",
        "Benali",
        "Assistante administrative",
        "0556123403",
        memberships=(("bso-bordeaux", Role.COMPANY_USER), ("lefebvre-lille", Role.COMPANY_USER)),
        portal="eGestion",
        role_label="Utilisateur - 2 entreprises (Bordeaux, Lille)",
    ),
    DemoUser(
        "referent",
        "referent@demo.constructys.fr",
        Civility.MADAME,
        "Claire",
        "Roussel",
        "Responsable administrative et financière",
        "0534123404",
        memberships=_REFERENT,
        portal="oGestion",
        role_label="Référent portail OF - BTP CFA (4 CFA)",
    ),
    DemoUser(
        "of",
        "of@demo.constructys.fr",
        Civility.MONSIEUR,
        "Thomas",
        "Garnier",
        "Assistant de formation",
        "0561123405",
        memberships=(("cma-toulouse", Role.PROVIDER_USER), ("cma-saint-jean", Role.PROVIDER_USER)),
        portal="oGestion",
        role_label="Utilisateur portail OF - CMA Occitanie (Toulouse, Saint-Jean)",
    ),
    DemoUser(
        "gestionnaire",
        "gestionnaire@demo.constructys.fr",
        Civility.MADAME,
        "Hélène",
        "Duval",
        "Gestionnaire formation",
        "0140123406",
        is_staff=True,
        portal="Administration",
        role_label="Gestionnaire Constructys (groupe Gestionnaire de dossiers)",
    ),
    DemoUser(
        "comptabilite",
        "comptabilite@demo.constructys.fr",
        Civility.MADAME,
        "Nadia",
        "Bernard",
        "Comptable",
        "0140123412",
        is_staff=True,
        portal="Administration",
        role_label="Comptabilité Constructys (règlements, coordonnées bancaires)",
        staff_role=ACCOUNTING,
    ),
    DemoUser(
        "admin",
        "admin@demo.constructys.fr",
        Civility.MONSIEUR,
        "Antoine",
        "Lemaire",
        "Administrateur du portail",
        "0140123407",
        is_staff=True,
        is_superuser=True,
        portal="Administration",
        role_label="Superutilisateur",
    ),
    # Other accounts, same password, not in the logins table.
    DemoUser(
        "lefebvre",
        "lefebvre@demo.constructys.fr",
        Civility.MONSIEUR,
        "Marc",
        "Lefebvre",
        "Gérant",
        "0320123408",
        listed=False,
        memberships=(("lefebvre-lille", Role.COMPANY_MANAGER), ("lefebvre-arras", Role.COMPANY_MANAGER)),
    ),
    DemoUser(
        "elecpro",
        "elecpro@demo.constructys.fr",
        Civility.MADAME,
        "Lucie",
        "Perrin",
        "Assistante de direction",
        "0450123409",
        listed=False,
        memberships=tuple((s.key, Role.COMPANY_MANAGER) for s in SITES if s.org == "elecpro"),
    ),
    DemoUser(
        "aplomb",
        "aplomb@demo.constructys.fr",
        Civility.MONSIEUR,
        "Karim",
        "Haddad",
        "Directeur pédagogique",
        "0142123410",
        listed=False,
        memberships=tuple((s.key, Role.PROVIDER_REFERENT) for s in SITES if s.org == "aplomb"),
    ),
    DemoUser(
        "cma",
        "cma@demo.constructys.fr",
        Civility.MADAME,
        "Isabelle",
        "Fournier",
        "Responsable du service formation",
        "0561123413",
        memberships=_CMA_REFERENT,
        portal="oGestion",
        role_label="Référent portail OF - CMA Occitanie (4 établissements)",
    ),
    DemoUser(
        "gestionnaire2",
        "gestionnaire2@demo.constructys.fr",
        Civility.MONSIEUR,
        "Pierre",
        "Moreau",
        "Gestionnaire formation",
        "0140123411",
        is_staff=True,
        listed=False,
    ),
]

# Trainees and apprentices, per company.
TRAINEES = {
    "bso": [
        Trainee(Civility.MONSIEUR, "Garcia", "Marc", D(1988, 3, 20), "Chef de chantier", "31100", "TOULOUSE"),
        Trainee(Civility.MONSIEUR, "Roux", "Kévin", D(1992, 7, 2), "Maçon", "31300", "TOULOUSE"),
        Trainee(Civility.MADAME, "Lambert", "Émilie", D(1990, 11, 15), "Chef d'équipe", "31500", "TOULOUSE"),
        Trainee(Civility.MONSIEUR, "Richard", "Yannick", D(1979, 1, 8), "Conducteur d'engins", "82000", "MONTAUBAN"),
        Trainee(Civility.MONSIEUR, "Fontaine", "Sébastien", D(1985, 5, 27), "Coffreur bancheur", "82000", "MONTAUBAN"),
        Trainee(Civility.MONSIEUR, "Diallo", "Rémi", D(2003, 4, 11), "Apprenti maçon", "31200", "TOULOUSE"),
        Trainee(Civility.MADAME, "Costa", "Inès", D(2004, 2, 19), "Apprentie plâtrière", "82000", "MONTAUBAN"),
        Trainee(Civility.MONSIEUR, "Benoit", "Lucas", D(2008, 6, 3), "Apprenti maçon", "31100", "TOULOUSE"),
        Trainee(Civility.MONSIEUR, "Morel", "Dylan", D(2005, 9, 30), "Apprenti électricien", "33300", "BORDEAUX"),
        Trainee(Civility.MADAME, "Vidal", "Camille", D(1994, 12, 12), "Technicienne d'études", "33000", "BORDEAUX"),
    ],
    "lefebvre": [
        Trainee(Civility.MONSIEUR, "Lefebvre", "Hugo", D(2002, 1, 25), "Apprenti maçon", "59000", "LILLE"),
        Trainee(Civility.MONSIEUR, "Dubois", "Mathis", D(2008, 3, 14), "Apprenti couvreur", "59800", "LILLE"),
        Trainee(Civility.MONSIEUR, "Lemaire", "Bruno", D(1976, 8, 9), "Chef d'équipe", "62000", "ARRAS"),
        Trainee(Civility.MADAME, "Carpentier", "Julie", D(1991, 10, 21), "Conductrice de travaux", "62000", "ARRAS"),
        Trainee(Civility.MONSIEUR, "Wallet", "Anthony", D(1987, 4, 4), "Maçon", "59000", "LILLE"),
        Trainee(Civility.MONSIEUR, "Dupont", "Gérard", D(1968, 2, 28), "Maître d'apprentissage", "59000", "LILLE"),
        Trainee(Civility.MONSIEUR, "Caron", "Théo", D(2001, 7, 19), "Maçon", "62000", "ARRAS"),
    ],
    "elecpro": [
        Trainee(Civility.MONSIEUR, "Perret", "Axel", D(2003, 5, 6), "Apprenti électricien", "74000", "ANNECY"),
        Trainee(Civility.MADAME, "Girard", "Léa", D(2007, 8, 17), "Apprentie électricienne", "74960", "CRAN-GEVRIER"),
        Trainee(Civility.MONSIEUR, "Bonnet", "Florian", D(1993, 9, 1), "Électricien", "73000", "CHAMBERY"),
        Trainee(Civility.MONSIEUR, "Favre", "Nicolas", D(1983, 6, 22), "Chef de chantier électricité", "73200", "ALBERTVILLE"),
        Trainee(Civility.MADAME, "Blanc", "Pauline", D(1996, 1, 30), "Dessinatrice projeteuse", "73000", "CHAMBERY"),
        Trainee(Civility.MONSIEUR, "Mercier", "Enzo", D(2006, 11, 9), "Apprenti électricien", "74000", "ANNECY"),
    ],
}  # fmt: skip

# The training providers' own employees (trainers, assistants) without an account yet: what oGestion's "Sélection
# d'un salarié" offers a référent to give one of them access. (civility, last name, first name, job, site, email)
PROVIDER_STAFF = {
    "btpcfa": [
        (Civility.MONSIEUR, "Lopez", "Antoine", "Formateur maçonnerie", "cfa-toulouse", "a.lopez@btpcfa-exemple.fr"),
        (Civility.MADAME, "Chevalier", "Aurélie", "Assistante administrative", "cfa-toulouse", "a.chevalier@btpcfa-exemple.fr"),
        (Civility.MONSIEUR, "Lefort", "Damien", "Formateur couverture", "cfa-nord", "d.lefort@btpcfa-exemple.fr"),
        (Civility.MADAME, "Gauthier", "Sarah", "Chargée des relations entreprises", "cfa-annecy", "s.gauthier@btpcfa-exemple.fr"),
        (Civility.MONSIEUR, "Barbier", "Yann", "Formateur électricité", "cfa-gironde", "y.barbier@btpcfa-exemple.fr"),
    ],
    "cma": [
        (Civility.MADAME, "Rey", "Valérie", "Assistante de formation", "cma-toulouse", "v.rey@cma-occitanie-exemple.fr"),
        (Civility.MONSIEUR, "Muller", "Patrick", "Formateur plâtrerie", "cma-saint-jean", "p.muller@cma-occitanie-exemple.fr"),
        (Civility.MADAME, "Arnaud", "Cécile", "Conseillère formation", "cma-montpellier", "c.arnaud@cma-occitanie-exemple.fr"),
    ],
    "aplomb": [
        (Civility.MONSIEUR, "Noël", "Frédéric", "Formateur prévention des risques", "aplomb-paris", "f.noel@aplomb-formation-exemple.fr"),
        (Civility.MADAME, "Renard", "Laura", "Assistante pédagogique", "aplomb-toulouse", "l.renard@aplomb-formation-exemple.fr"),
        (Civility.MONSIEUR, "Guerin", "Mickaël", "Formateur habilitation électrique", "aplomb-bordeaux", "m.guerin@aplomb-formation-exemple.fr"),
    ],
}  # fmt: skip

_O = DossierStatus
_S = Scheme
ELEC_CAP = "PREPARATION ET REALISATION D'OUVRAGES ELECTRIQUES (CAP)/ELECTRICIEN (CAP)"
PLATRE_CAP = "PLATRIER-PLAQUISTE (CAP)/METIERS DU PLATRE ET DE L'ISOLATION (CAP)"

DOSSIERS = [
    # BATIMENTS DU SUD-OUEST (several trained by BTP CFA and the CMA: the référent sees them too)
    DossierSpec(1, "bso-toulouse", "aplomb-toulouse", _S.PLAN, _O.CLOSED, "FORMATION INITIALE AMIANTE SS4 OPERATEUR DE CHANTIER", D(2020, 2, 18), D(2020, 2, 21), (0, 1), "entreprise"),
    DossierSpec(2, "bso-toulouse", "cfa-toulouse", _S.ALTE, _O.CLOSED, "MACON (CAP)", D(2020, 9, 1), D(2022, 6, 30), (5,), "entreprise"),
    DossierSpec(3, "bso-montauban", "cma-saint-jean", _S.ALTE, _O.CLOSED, PLATRE_CAP, D(2021, 9, 1), D(2023, 6, 30), (6,), "salarie"),
    DossierSpec(4, "bso-toulouse", "cfa-toulouse", _S.CPRO, _O.ACCEPTED, "TITRE PROFESSIONNEL CHEF D'EQUIPE GROS OEUVRE", D(2025, 10, 6), D(2026, 12, 18), (2,), "entreprise", unread=True),
    DossierSpec(5, "bso-toulouse", "cfa-toulouse", _S.ALTE, _O.ACCEPTED, "MACON (CAP)", D(2025, 9, 1), D(2027, 6, 30), (7,), "entreprise", follow_up=True),
    DossierSpec(6, "bso-bordeaux", "cfa-gironde", _S.ALTE, _O.ACCEPTED, ELEC_CAP, D(2024, 9, 2), D(2026, 7, 3), (8,), "entreprise"),
    DossierSpec(7, "bso-montauban", "cma-toulouse", _S.PLAN, _O.RECEIVED, "TRAVAUX EN HAUTEUR - PORT DU HARNAIS", D(2026, 12, 7), D(2026, 12, 8), (3, 4), "salarie", unread=True),
    DossierSpec(8, "bso-bordeaux", "aplomb-bordeaux", _S.PLAN, _O.SUBMITTED, "HABILITATION ELECTRIQUE B1V BR BC", D(2027, 1, 18), D(2027, 1, 20), (8, 9), "entreprise", case_manager=None),
    DossierSpec(9, "bso-toulouse", "cfa-toulouse", _S.TUTO, _O.INCOMPLETE, "FORMATION DE MAITRE D'APPRENTISSAGE", D(2026, 12, 3), D(2026, 12, 4), (2,), "entreprise", unread=True),
    DossierSpec(10, "bso-toulouse", "aplomb-toulouse", _S.FNE, _O.REFUSED, "TRANSITION ENERGETIQUE - RENOVATION PERFORMANTE", D(2021, 3, 8), D(2021, 3, 12), (0,), "entreprise"),
    DossierSpec(11, "bso-bordeaux", "aplomb-bordeaux", _S.PROA, _O.CANCELLED, "TITRE PROFESSIONNEL TECHNICIEN D'ETUDES DU BATIMENT", D(2023, 1, 9), D(2023, 10, 27), (9,), "entreprise"),
    DossierSpec(12, "bso-montauban", "cma-toulouse", _S.PLAN, _O.CLOSED, "CACES R482 ENGINS DE CHANTIER CATEGORIE A", D(2022, 5, 16), D(2022, 5, 19), (3,), "salarie"),
    DossierSpec(13, "bso-toulouse", "cma-toulouse", _S.PLAN, _O.ACCEPTED, "SAUVETEUR SECOURISTE DU TRAVAIL (SST)", D(2026, 3, 2), D(2026, 3, 3), (0, 1, 2), "entreprise"),
    # MACONNERIE LEFEBVRE ET FILS
    DossierSpec(14, "lefebvre-lille", "cfa-nord", _S.ALTE, _O.CLOSED, "MACON (CAP)", D(2020, 9, 7), D(2022, 7, 1), (0,), "lefebvre"),
    DossierSpec(15, "lefebvre-lille", "cfa-nord", _S.ALTE, _O.ACCEPTED, "COUVREUR (CAP)", D(2025, 9, 8), D(2027, 7, 2), (1,), "lefebvre"),
    DossierSpec(27, "lefebvre-lille", "cfa-nord", _S.ALTE, _O.TERMINATED, "CARRELEUR MOSAISTE (CAP)", D(2024, 9, 9), D(2025, 3, 14), (1,), "lefebvre"),
    DossierSpec(16, "lefebvre-arras", "cfa-nord", _S.PLAN, _O.CLOSED, "AIPR OPERATEUR - AUTORISATION D'INTERVENTION A PROXIMITE DES RESEAUX", D(2023, 3, 14), D(2023, 3, 14), (2, 3), "lefebvre"),
    DossierSpec(17, "lefebvre-arras", "cfa-nord", _S.CPRO, _O.SUBMITTED, "TITRE PROFESSIONNEL MACON DU BATI ANCIEN", D(2027, 1, 4), D(2027, 12, 17), (6,), "lefebvre", case_manager=None),
    DossierSpec(18, "lefebvre-lille", "cfa-nord", _S.TUTO, _O.ACCEPTED, "FORMATION DE MAITRE D'APPRENTISSAGE", D(2025, 10, 13), D(2025, 10, 14), (5,), "lefebvre"),
    DossierSpec(19, "lefebvre-lille", "cfa-nord", _S.PLAN, _O.INCOMPLETE, "ECHAFAUDAGES FIXES - MONTAGE ET RECEPTION", D(2026, 12, 14), D(2026, 12, 16), (4, 5), "multi", unread=True),
    # ELEC'PRO ANNECY
    DossierSpec(20, "elecpro-annecy", "cfa-annecy", _S.ALTE, _O.ACCEPTED, ELEC_CAP, D(2025, 9, 1), D(2027, 6, 30), (1,), "elecpro", case_manager="gestionnaire2", follow_up=True),
    DossierSpec(21, "elecpro-annecy", "cfa-annecy", _S.ALTE, _O.CLOSED, ELEC_CAP, D(2021, 9, 6), D(2023, 6, 30), (0,), "elecpro", case_manager="gestionnaire2"),
    DossierSpec(22, "elecpro-chambery", "aplomb-lyon", _S.PLAN, _O.ACCEPTED, "HABILITATION ELECTRIQUE B1V BR BC", D(2026, 9, 21), D(2026, 9, 23), (2, 4), "elecpro", case_manager="gestionnaire2"),
    DossierSpec(23, "elecpro-annecy", "cfa-annecy", _S.PROA, _O.RECEIVED, "BAC PRO METIERS DE L'ELECTRICITE ET DE SES ENVIRONNEMENTS CONNECTES", D(2027, 1, 11), D(2027, 12, 17), (5,), "elecpro"),
    DossierSpec(24, "elecpro-chambery", "aplomb-lyon", _S.FNE, _O.CLOSED, "TRANSITION NUMERIQUE - BIM POUR LES ENTREPRISES DU BATIMENT", D(2022, 6, 13), D(2022, 6, 17), (2, 4), "elecpro"),
    DossierSpec(25, "elecpro-albertville", "aplomb-lyon", _S.CPRO, _O.REFUSED, "TITRE PROFESSIONNEL ELECTRICIEN D'EQUIPEMENT DU BATIMENT", D(2024, 2, 5), D(2025, 1, 31), (3,), "elecpro"),
    DossierSpec(26, "elecpro-albertville", "aplomb-lyon", _S.PLAN, _O.CANCELLED, "PHOTOVOLTAIQUE - QUALIPV ELEC", D(2025, 4, 7), D(2025, 4, 9), (3,), "elecpro"),
]  # fmt: skip

_L = LineSpec
_M = Decimal
PAYMENTS = [
    PaymentSpec("VIR548", D(2022, 8, 18), "cma-toulouse", (
        _L(12, "FEH1220118", D(2022, 6, 2), D(2022, 5, 16), D(2022, 5, 19), _M("1260.00")),
    )),
    PaymentSpec("VIR549", D(2022, 8, 25), "cfa-toulouse", (
        _L(2, "FEH1220297", D(2022, 7, 5), D(2021, 9, 1), D(2021, 12, 31), _M("2276.75")),
        _L(2, "FEH1220298", D(2022, 7, 5), D(2022, 1, 3), D(2022, 4, 29), _M("4553.50")),
        _L(2, "FEH1220301", D(2022, 7, 12), D(2022, 5, 2), D(2022, 6, 30), _M("2845.00")),
    )),
    PaymentSpec("VIR550", D(2022, 9, 1), "cma-saint-jean", (
        _L(3, "FEH1220342", D(2022, 7, 8), D(2022, 4, 25), D(2022, 6, 28), _M("1875.00")),
        _L(3, "FEH121628-28300489", D(2022, 7, 18), D(2021, 9, 1), D(2021, 12, 31), _M("1163.75")),
        _L(3, "FEH1220340", D(2022, 7, 8), D(2022, 1, 3), D(2022, 4, 22), _M("3102.50")),
        _L(3, "FEH1228305", D(2022, 7, 18), D(2022, 6, 29), D(2022, 7, 15), _M("2276.75")),
    )),
    PaymentSpec("VIR551", D(2022, 9, 8), "cfa-nord", (
        _L(14, "FNO2200917", D(2022, 7, 20), D(2021, 9, 1), D(2022, 1, 31), _M("3350.00")),
        _L(14, "FNO2200958", D(2022, 7, 20), D(2022, 2, 1), D(2022, 7, 1), _M("3350.00")),
    )),
    PaymentSpec("VIR552", D(2022, 9, 15), "cfa-annecy", (
        _L(21, "FHS2202187", D(2022, 7, 11), D(2021, 9, 6), D(2021, 12, 31), _M("2480.50")),
        _L(21, "FHS2202230", D(2022, 7, 11), D(2022, 1, 3), D(2022, 6, 30), _M("3720.75")),
    )),
    PaymentSpec("VIR553", D(2022, 9, 22), "aplomb-lyon", (
        _L(24, "APL-2022-0588", D(2022, 7, 1), D(2022, 6, 13), D(2022, 6, 17), _M("4375.00")),
    )),
    # Payments to a member company (it paid the training itself and is reimbursed)
    PaymentSpec("VIR554", D(2023, 4, 13), "lefebvre-arras", (
        _L(16, "2023-0311", D(2023, 3, 20), D(2023, 3, 14), D(2023, 3, 14), _M("580.00")),
    )),
    PaymentSpec("VIR555", D(2026, 4, 9), "bso-toulouse", (
        _L(13, "FAC-2026-0142", D(2026, 3, 10), D(2026, 3, 2), D(2026, 3, 3), _M("1140.00")),
        _L(13, "FAC-2026-0143", D(2026, 3, 10), D(2026, 3, 2), D(2026, 3, 3), _M("96.00")),
    )),
]  # fmt: skip

# Message threads by dossier status: (side, title, body). "company" messages are written by the dossier's creator.
THREADS = {
    DossierStatus.SUBMITTED: [
        (
            "company",
            "Demande transmise",
            "Bonjour, nous venons de transmettre la demande de prise en charge. Le devis et le programme de formation "
            "sont joints. Cordialement.",
        ),
    ],
    DossierStatus.RECEIVED: [
        (
            "constructys",
            "Accusé de réception de votre demande",
            "Bonjour, nous accusons réception de votre demande de prise en charge. Elle est en cours d'instruction ; "
            "vous serez informé de la décision dans les meilleurs délais. Cordialement.",
        ),
    ],
    DossierStatus.INCOMPLETE: [
        (
            "company",
            "Demande transmise",
            "Bonjour, veuillez trouver notre demande pour cette formation. Restant à votre disposition.",
        ),
        (
            "constructys",
            "Pièces manquantes",
            "Bonjour, pour instruire votre demande, merci de nous transmettre le devis signé et le programme détaillé "
            "de la formation (dans l'onglet Documents reçus). Sans ces éléments, le dossier ne pourra pas être traité. "
            "Cordialement.",
        ),
    ],
    DossierStatus.ACCEPTED: [
        (
            "constructys",
            "Accord de prise en charge",
            "Bonjour, nous avons le plaisir de vous informer que votre demande est acceptée. L'accord de prise en "
            "charge est disponible dans l'onglet Documents émis. Cordialement.",
        ),
        (
            "company",
            "Question sur la facturation",
            "Bonjour, l'organisme de formation peut-il facturer directement Constructys (subrogation) ? Merci.",
        ),
        (
            "constructys",
            "Réponse : facturation",
            "Bonjour, oui : l'accord prévoit le paiement direct à l'organisme de formation. Il nous adressera ses "
            "factures accompagnées des attestations d'assiduité. Cordialement.",
        ),
    ],
    DossierStatus.REFUSED: [
        (
            "constructys",
            "Refus de prise en charge",
            "Bonjour, nous sommes au regret de vous informer que votre demande ne peut être prise en charge : les fonds "
            "de ce dispositif sont épuisés pour l'exercice. Votre conseiller régional reste à votre disposition pour "
            "étudier une autre solution. Cordialement.",
        ),
        (
            "company",
            "Réponse : refus",
            "Bonjour, merci pour votre retour. Nous reprendrons contact avec notre conseiller. Cordialement.",
        ),
    ],
    DossierStatus.CLOSED: [
        (
            "constructys",
            "Accord de prise en charge",
            "Bonjour, votre demande est acceptée. L'accord de prise en charge est disponible dans l'onglet Documents "
            "émis. Cordialement.",
        ),
        (
            "company",
            "Attestation de fin de formation",
            "Bonjour, vous trouverez dans les documents l'attestation de fin de formation. Bonne journée.",
        ),
        (
            "constructys",
            "Dossier soldé",
            "Bonjour, l'ensemble des factures de ce dossier a été réglé. Le dossier est soldé et reste consultable "
            "dans l'historique. Cordialement.",
        ),
    ],
    DossierStatus.TERMINATED: [
        (
            "company",
            "Rupture du contrat",
            "Bonjour, le contrat d'apprentissage a été rompu d'un commun accord le 14 mars. La convention de rupture "
            "signée est jointe à la déclaration. Cordialement.",
        ),
        (
            "constructys",
            "Rupture prise en compte",
            "Bonjour, la rupture du contrat est enregistrée et le CFA en est informé. Le financement s'arrête à la "
            "date de la rupture. Cordialement.",
        ),
    ],
    DossierStatus.CANCELLED: [
        (
            "company",
            "Annulation de la formation",
            "Bonjour, la session est annulée par l'organisme de formation faute de participants. Merci d'annuler notre "
            "demande.",
        ),
        (
            "constructys",
            "Confirmation d'annulation",
            "Bonjour, nous vous confirmons l'annulation du dossier. Aucun règlement ne sera effectué. Cordialement.",
        ),
    ],
}

# A question the company asked the day before the demo starts, which the case manager has not opened yet.
FOLLOW_UP = (
    "company",
    "Date d'examen avancée",
    "Bonjour, le CFA nous informe que l'examen final est avancé au 15 juin. Faut-il modifier la date de fin du "
    "contrat dans le dossier ? Merci.",
)
# The statuses of open dossiers, where the company's last message may still wait for the case manager.
AWAITING_STATUSES = (DossierStatus.SUBMITTED, DossierStatus.RECEIVED, DossierStatus.INCOMPLETE, DossierStatus.ACCEPTED)

# Issue 6: the home pages' INFORMATIONS (portal "all", "egestion" or "ogestion"; paragraphs separated by a blank
# line) and the "Mes Contacts" advisors by region (name, phone, email, region code).
ANNOUNCEMENTS = [
    (
        "egestion",
        "Demandes de prise en charge : des informations obligatoires pour chaque stagiaire",
        "Depuis le 10/05/2021, la réglementation impose de renseigner, pour chaque stagiaire de chaque demande de "
        "prise en charge et de chaque contrat : son NIR (les 13 premiers caractères de son numéro de sécurité "
        "sociale), sa date de naissance et son adresse complète.\n\nPensez à réunir ces informations avant de "
        "commencer votre saisie.",
    ),
    (
        "all",
        "Fermeture de fin d'année",
        "Les équipes de Constructys seront fermées du 24 décembre au 1er janvier. Les dossiers transmis pendant "
        "cette période seront traités dès la réouverture.",
    ),
    (
        "ogestion",
        "Avis de virement",
        "Chaque règlement est accompagné de son avis de virement, à retrouver dans les documents de l'établissement "
        "bénéficiaire.",
    ),
]
ADVISORS = [
    ("Nathalie Bertrand", "0556123401", "n.bertrand@demo.constructys.fr", "NAQ"),
    ("Julien Marchand", "0320123402", "j.marchand@demo.constructys.fr", "HDF"),
    ("Sandrine Roux", "0472123403", "s.roux@demo.constructys.fr", "ARA"),
    ("Olivier Fontaine", "0140123404", "o.fontaine@demo.constructys.fr", "IDF"),
]
