from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone
from stdnum import iban as stdnum_iban

from accounts import validators


class Civility(models.TextChoices):
    MADAME = "mme", "Madame"
    MONSIEUR = "m", "Monsieur"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Un utilisateur a besoin d'une adresse e-mail.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in: company and provider users, and Constructys staff (is_staff)."""

    email = models.EmailField("adresse e-mail", unique=True)
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    function = models.CharField("fonction", max_length=150, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    is_staff = models.BooleanField(
        "équipe Constructys", default=False, help_text="Peut se connecter à l'administration (back office)."
    )
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        indexes = [
            # The staff who may be given a dossier, by name (the back office's dossier filter and page), without
            # reading every company and provider account.
            models.Index(
                fields=["last_name", "first_name"], condition=models.Q(is_staff=True), name="user_staff_by_name"
            )
        ]

    # What __str__ reads: a list of users that shows their names selects only these.
    NAME_FIELDS = ("first_name", "last_name", "email")

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return f"{self.first_name} {self.last_name.upper()}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class OrganisationKind(models.TextChoices):
    COMPANY = "company", "Entreprise adhérente"
    PROVIDER = "provider", "Organisme de formation"


class Organisation(models.Model):
    """A legal entity (SIREN): a member company or a training provider."""

    kind = models.CharField("type", max_length=10, choices=OrganisationKind.choices)
    name = models.CharField("raison sociale", max_length=200)
    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[validators.validate_siren])
    member_number = models.CharField(
        "numéro d'adhérent",
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        validators=[validators.validate_member_number],
        help_text="6 chiffres, pour les entreprises adhérentes.",
    )
    contact_email = models.EmailField(
        "adresse de contact enregistrée", blank=True, help_text="Reçoit les alertes de sécurité du compte."
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="company", member_number__isnull=False)
                | models.Q(kind="provider", member_number__isnull=True),
                name="organisation_member_number_for_companies_only",
            )
        ]

    def __str__(self):
        return self.name


class Region(models.TextChoices):
    ARA = "ARA", "Auvergne-Rhône-Alpes"
    BFC = "BFC", "Bourgogne-Franche-Comté"
    BRE = "BRE", "Bretagne"
    CVL = "CVL", "Centre-Val de Loire"
    COR = "COR", "Corse"
    GES = "GES", "Grand Est"
    HDF = "HDF", "Hauts-de-France"
    IDF = "IDF", "Île-de-France"
    NOR = "NOR", "Normandie"
    NAQ = "NAQ", "Nouvelle-Aquitaine"
    OCC = "OCC", "Occitanie"
    PDL = "PDL", "Pays de la Loire"
    PAC = "PAC", "Provence-Alpes-Côte d'Azur"
    DOM = "DOM", "Outre-mer"


class EstablishmentQuerySet(models.QuerySet):
    def for_user(self, user, roles=None):
        """Establishments where the user has an active membership (optionally with one of `roles`)."""
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("establishment_id"))


class Establishment(models.Model):
    """One site (SIRET) of an organisation; bank details, NDA and UAI belong here."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="establishments", verbose_name="organisation"
    )
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validators.validate_siret])
    name = models.CharField("raison sociale", max_length=200)
    sign = models.CharField("enseigne", max_length=200, blank=True)
    address_line1 = models.CharField("adresse", max_length=200, blank=True)
    address_line2 = models.CharField("complément d'adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    region = models.CharField("région", max_length=3, choices=Region.choices, blank=True)
    is_head_office = models.BooleanField("siège", default=False)
    nda = models.CharField(
        "NDA",
        max_length=11,
        blank=True,
        validators=[validators.validate_nda],
        help_text="Déclaration d'activité.",
    )
    uai = models.CharField("UAI", max_length=8, blank=True, validators=[validators.validate_uai])
    # What the registry knows of an employer and the CERFA asks (pre-filled in the apprenticeship wizard, editable).
    naf_code = models.CharField("code NAF", max_length=6, blank=True, help_text="Ex. : 43.99C.")
    headcount = models.PositiveIntegerField(
        "effectif salarié", null=True, blank=True, help_text="Effectif total salariés de l'entreprise."
    )
    idcc = models.CharField(
        "IDCC", max_length=4, blank=True, help_text="Convention collective applicable (4 chiffres)."
    )
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validators.validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validators.validate_bic])
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = "établissement"
        ordering = ["name", "siret"]
        indexes = [
            models.Index(fields=["postal_code"]),
            models.Index(fields=["uai"]),
            # The back office searches dossiers by company name (icontains is UPPER(name) LIKE '%...%').
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="establishment_name_trgm"),
        ]

    def __str__(self):
        return f"{self.name} ({self.siret})"

    def clean(self):
        super().clean()
        self.siret = validators.compact_digits(self.siret)
        self.iban = stdnum_iban.compact(self.iban) if self.iban else ""
        self.uai = self.uai.upper()
        if self.organisation_id and not self.siret.startswith(self.organisation.siren):
            raise ValidationError({"siret": "Le SIRET doit commencer par le SIREN de l'organisation."})

    @property
    def is_cfa(self) -> bool:
        return bool(self.uai)

    @property
    def formatted_iban(self) -> str:
        return stdnum_iban.format(self.iban) if self.iban else ""


class Portal(models.TextChoices):
    EGESTION = "egestion", "eGestion"
    OGESTION = "ogestion", "oGestion"


class Role(models.TextChoices):
    COMPANY_MANAGER = "company_manager", "Gestionnaire du compte"
    COMPANY_USER = "company_user", "Utilisateur"
    PROVIDER_REFERENT = "provider_referent", "Référent portail OF"
    PROVIDER_USER = "provider_user", "Utilisateur portail OF"


PORTAL_ROLES = {
    Portal.EGESTION: (Role.COMPANY_MANAGER, Role.COMPANY_USER),
    Portal.OGESTION: (Role.PROVIDER_REFERENT, Role.PROVIDER_USER),
}
ADMIN_ROLES = (Role.COMPANY_MANAGER, Role.PROVIDER_REFERENT)


class MembershipQuerySet(models.QuerySet):
    def for_portal(self, portal):
        return self.filter(role__in=PORTAL_ROLES[portal])

    def managing(self, portal):
        """The memberships of an account manager (eGestion) or a référent (oGestion): the establishments whose data
        an API key (api.keys.key_scope) or a webhook endpoint (WebhookEndpoint.reaching) of that user may carry. The one
        rule of both; on the default manager, only active memberships of active users count."""
        return self.for_portal(portal).filter(role__in=ADMIN_ROLES)


class ActiveMembershipManager(models.Manager.from_queryset(MembershipQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's access to one establishment, with the role that says what they may do there.

    Memberships are deactivated, never deleted, so that who had access stays known. The default manager only
    sees active ones (of active users); `include_inactive` sees all.
    """

    # Each foreign key leads a composite index or constraint below.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="modifiée par"
    )

    objects = ActiveMembershipManager()
    include_inactive = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement"
        base_manager_name = "include_inactive"
        default_manager_name = "include_inactive"
        constraints = [
            models.UniqueConstraint(fields=["user", "establishment"], name="membership_unique_user_establishment")
        ]
        indexes = [models.Index(fields=["establishment", "role"])]

    def __str__(self):
        return f"{self.user} — {self.establishment} ({self.get_role_display()})"

    @property
    def portal(self) -> str:
        return Portal.EGESTION if self.role in PORTAL_ROLES[Portal.EGESTION] else Portal.OGESTION

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    def clean(self):
        # A Constructys staff account never enters a portal (its rights would mix with a company's or a CFA's).
        if self.user_id and self.user.is_staff:
            raise ValidationError({"user": "Un compte de l'équipe Constructys ne peut pas accéder aux portails."})


class PersonQuerySet(models.QuerySet):
    def for_user(self, user, establishment_ids=None):
        """The persons a portal user may look up, select or export: THE scoping of persons (docs/architecture.md,
        "Scoping"). `establishment_ids`: the establishments the user is looking at (request.establishment_ids,
        narrowed by the header's entity switcher); the result is never wider than the user's active memberships.

        A person is within scope when, among those establishments E,
        - the establishment they were declared from (`Person.establishment`) is in E, or
        - they are enrolled in a dossier whose employer establishment is in E, or
        - they have no establishment and E holds every establishment of their organisation (an account manager
          looking at the whole company)."""
        # One SQL statement, evaluated with the query that uses it.
        memberships = Membership.objects.filter(user=user)
        if establishment_ids is not None:
            memberships = memberships.filter(establishment_id__in=[int(pk) for pk in establishment_ids])
        ids = memberships.values("establishment_id")
        unseen = Establishment.objects.filter(organisation_id=models.OuterRef("pk")).exclude(pk__in=ids)
        whole = Organisation.objects.filter(establishments__pk__in=ids).filter(~models.Exists(unseen)).values("pk")
        # dossiers sits above accounts: its model is named, not imported.
        enrolment = apps.get_model("dossiers", "Enrolment")
        enrolled = enrolment.objects.filter(dossier__employer_establishment_id__in=ids).values("person_id")
        return self.filter(
            models.Q(establishment_id__in=ids)
            | models.Q(pk__in=enrolled)
            | models.Q(establishment__isnull=True, organisation_id__in=whole)
        )


class Person(models.Model):
    """A person an organisation declares: employee, trainee, apprentice or mentor. Most have no login."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="persons", verbose_name="employeur"
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name="établissement",
        help_text="L'établissement qui a déclaré la personne : ses utilisateurs la retrouvent dans leurs recherches.",
    )
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    nir = models.CharField(
        "NIR", max_length=13, blank=True, help_text="13 premiers caractères du n° de sécurité sociale."
    )
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    address_line1 = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    job_title = models.CharField("emploi occupé", max_length=200, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    erased_at = models.DateTimeField(
        "données effacées le", null=True, blank=True, help_text="Effacement RGPD (manage.py rgpd_erase_person)."
    )

    objects = PersonQuerySet.as_manager()

    # What a company declares about the person (the wizard's form); all of it is personal data (RGPD erasure).
    PERSONAL_FIELDS = [
        "civility",
        "last_name",
        "first_name",
        "birth_date",
        "nir",
        "email",
        "phone",
        "address_line1",
        "postal_code",
        "city",
        "job_title",
    ]

    class Meta:
        verbose_name = "personne"
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"]),
            # The back office searches dossiers by trainee name.
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="person_last_name_trgm"),
            # oGestion's trainee filter matches a word in the last or the first name (an OR of both indexes).
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="person_first_name_trgm"),
        ]

    def __str__(self):
        return f"{self.last_name.upper()} {self.first_name}"

    @property
    def masked_nir(self) -> str:
        """The NIR as lists and look-ups show it: sex, year and month of birth (shown anyway), the rest hidden."""
        return mask_nir(self.nir)


def mask_nir(nir: str) -> str:
    if not nir:
        return ""
    if len(nir) < 5:
        return "•" * len(nir)
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} •• ••• •••"


class AccountEventKind(models.TextChoices):
    SIGNUP = "signup", "Inscription"
    EMAIL_CONFIRMED = "email_confirmed", "Adresse e-mail confirmée"
    PASSWORD_SET = "password_set", "Mot de passe créé"
    PASSWORD_RESET = "password_reset", "Mot de passe réinitialisé"
    MANAGER_CLAIMED = "manager_claimed", "Devenu gestionnaire du compte"
    MANAGER_TRANSFERRED = "manager_transferred", "Rôle de gestionnaire transmis"
    ACCESS_REQUESTED = "access_requested", "Accès demandé (gestionnaire existant)"
    USER_CREATED = "user_created", "Utilisateur créé"
    INVITED = "invited", "Invitation envoyée"
    ACTIVATION_SENT = "activation_sent", "E-mail d'activation envoyé"
    ROLE_CHANGED = "role_changed", "Profil modifié"
    ESTABLISHMENTS_CHANGED = "establishments_changed", "Établissements modifiés"
    DEACTIVATED = "deactivated", "Désactivé"
    REACTIVATED = "reactivated", "Réactivé"
    CONSENT_ACCEPTED = "consent_accepted", "RGPD et CGU acceptés"
    CONSENT_REFUSED = "consent_refused", "RGPD et CGU refusés"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation acceptée"
    INVITATION_DECLINED = "invitation_declined", "Invitation refusée"
    INVITATION_IGNORED = "invitation_ignored", "Invitation ignorée (compte de l'équipe Constructys)"
    RGPD_ERASED = "rgpd_erased", "Données personnelles effacées (RGPD)"

    TOTP_LINK_SENT = "totp_link_sent", "Lien d'activation de la double authentification envoyé"
    API_KEY_CREATED = "api_key_created", "Clé d'API créée"
    API_KEY_REVOKED = "api_key_revoked", "Clé d'API révoquée"


class AccountEvent(models.Model):
    """What happened to an account, by whom and when: kept for staff, never edited."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events", verbose_name="compte")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="organisation"
    )
    kind = models.CharField("événement", max_length=30, choices=AccountEventKind.choices)
    details = models.JSONField("détails", default=dict, blank=True)
    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "événement de compte"
        verbose_name_plural = "événements de compte"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="account_event_user")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.user}"


class AccountTokenPurpose(models.TextChoices):
    SIGNUP = "signup", "Confirmation d'inscription"
    INVITATION = "invitation", "Invitation"
    ACTIVATION = "activation", "Activation de compte"


class AccountToken(models.Model):
    """A single-use, expiring "Créer mon mot de passe" link. Only the token's SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_tokens")
    purpose = models.CharField("objet", max_length=12, choices=AccountTokenPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "lien de création de mot de passe"
        verbose_name_plural = "liens de création de mot de passe"
        indexes = [models.Index(fields=["user", "purpose"], name="account_token_user")]

    def __str__(self):
        return f"{self.get_purpose_display()} — {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"
    REPLACED = "replaced", "Remplacée par une nouvelle invitation"


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Pending and not expired."""
        return self.filter(status=InvitationStatus.PENDING, expires_at__gt=timezone.now())

    def for_address(self, email):
        return self.filter(email__iexact=email)


class Invitation(models.Model):
    """A company manager or a provider référent invites an address into their portal: nothing is attached until
    the owner of the address accepts (logged in, or by creating the password of a new account). The inviter only
    ever sees the address. Only the link's SHA-256 is stored; the link is single use and expires."""

    portal = models.CharField("portail", max_length=10, choices=Portal.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations", verbose_name="organisation"
    )
    establishments = models.ManyToManyField(Establishment, related_name="+", verbose_name="établissements")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    email = models.EmailField("adresse invitée")
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="invitée par"
    )
    # False for an address the portals must not reach (a Constructys staff account): no email, never acceptable,
    # but the inviter sees the same pending invitation as for any other address.
    deliverable = models.BooleanField("envoyée", default=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField("état", max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)
    answered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="compte"
    )
    failed_passwords = models.PositiveSmallIntegerField("mots de passe erronés", default=0)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(Lower("email"), "status", name="invitation_email_status"),
            models.Index(fields=["organisation", "status"], name="invitation_organisation"),
        ]

    def __str__(self):
        return f"{self.email} — {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()

    @property
    def is_acceptable(self) -> bool:
        return self.deliverable and self.is_open

    @property
    def display_status(self) -> str:
        if self.status == InvitationStatus.PENDING and not self.is_open:
            return "Expirée"
        return "Invitation en attente" if self.status == InvitationStatus.PENDING else self.get_status_display()


class PersonalDataErasure(models.Model):
    """The audit of an RGPD erasure (manage.py rgpd_erase_person): who asked it, when, why and what was erased.
    It names the records by id only: the personal data it removed is not copied here."""

    created_at = models.DateTimeField("le", default=timezone.now)
    operator = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name="opérateur (équipe Constructys)"
    )
    reason = models.TextField("motif")
    person = models.ForeignKey(
        "Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures", verbose_name="personne"
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="erasures", verbose_name="compte"
    )
    details = models.JSONField("ce qui a été effacé", default=dict)

    class Meta:
        verbose_name = "effacement RGPD"
        verbose_name_plural = "effacements RGPD"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Effacement RGPD du {self.created_at:%d/%m/%Y %H:%M}"


class TOTPEnrolmentLink(models.Model):
    """A staff member's single-use, short-lived link to set up their authenticator app (accounts/staff_mfa.py): the
    password alone never reaches the TOTP set-up. Only the token's SHA-256 is stored. A model of its own, so that a
    "Créer mon mot de passe" token can never set up a second factor, nor this one set a password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="totp_enrolment_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)
    sent_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="envoyé par"
    )

    class Meta:
        verbose_name = "lien d'activation de la double authentification"
        verbose_name_plural = "liens d'activation de la double authentification"

    def __str__(self):
        return f"Double authentification — {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class ConsentKind(models.TextChoices):
    RGPD = "rgpd", "Règlement général sur la protection des données"
    CGU = "cgu", "Conditions générales d'utilisation"


class ConsentVersionQuerySet(models.QuerySet):
    def current(self):
        """The latest published version of each kind."""
        return self.filter(published_at__lte=timezone.now()).order_by("kind", "-published_at").distinct("kind")


class ConsentVersion(models.Model):
    """One version of the RGPD or CGU text; a new published version must be accepted again by everyone."""

    kind = models.CharField("texte", max_length=4, choices=ConsentKind.choices)
    version = models.CharField("version", max_length=20)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", help_text="Texte simple ; les lignes vides séparent les paragraphes.")
    published_at = models.DateTimeField("en vigueur le", default=timezone.now)

    objects = ConsentVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version RGPD / CGU"
        verbose_name_plural = "versions RGPD / CGU"
        ordering = ["kind", "-published_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="consent_version_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} — version {self.version}"


class Consent(models.Model):
    """A user accepted one version of a text."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents", db_index=False)
    version = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField("accepté le", default=timezone.now)

    class Meta:
        verbose_name = "acceptation RGPD / CGU"
        verbose_name_plural = "acceptations RGPD / CGU"
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="consent_once_per_version")]

    def __str__(self):
        return f"{self.user} — {self.version}"
