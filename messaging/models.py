from django.conf import settings
from django.db import models
from django.db.models.lookups import IsNull
from django.utils import timezone

from dossiers.models import Dossier, history_cutoff


class SenderSide(models.TextChoices):
    COMPANY = "company", "Entreprise"
    CONSTRUCTYS = "constructys", "Constructys"


class MessageQuerySet(models.QuerySet):
    def for_company_user(self, user, establishments=None):
        """Messages of the dossiers the company user sees (narrowed to `establishments`, ids, when given)."""
        return self.filter(dossier__in=Dossier.objects.for_company_user(user, establishments))

    def unread_by(self, user):
        """Messages the user did not write and has not opened (read state is per user)."""
        return self.exclude(author=user).exclude(
            models.Exists(MessageRead.objects.filter(message=models.OuterRef("pk"), user=user))
        )

    def with_read_state(self, user):
        # The user's read of each message looked up by its index, message by message: written as EXISTS, a prepared
        # statement's generic plan hashed every read of the user instead (thousands, for a thread of five).
        read = MessageRead.objects.filter(message=models.OuterRef("pk"), user=user).values("pk")[:1]
        return self.annotate(is_read=models.Q(author=user) | models.Q(IsNull(models.Subquery(read), False)))


class Message(models.Model):
    """One message of a dossier's thread between the company and its Constructys case manager."""

    # Indexed by message_dossier_thread below, whose first column is the dossier.
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages", db_index=False)
    sender_side = models.CharField("envoyé par", max_length=12, choices=SenderSide.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages_written",
        verbose_name="auteur",
    )
    title = models.CharField("titre", max_length=200)
    body = models.TextField("contenu")
    created_at = models.DateTimeField("envoyé le", default=timezone.now, db_index=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-created_at"], name="message_dossier_thread")]

    def __str__(self):
        return self.title


class MessageRead(models.Model):
    """That one user has opened one message; deleting the row marks it unread again for that user only."""

    # Both foreign keys lead a composite index below.
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_reads", db_index=False
    )
    read_at = models.DateTimeField("lu le", default=timezone.now)

    class Meta:
        verbose_name = "lecture de message"
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="message_read_once_per_user")]
        indexes = [models.Index(fields=["user", "message"], name="message_read_by_user")]

    def __str__(self):
        return f"{self.user} a lu « {self.message} »"


# --- unread counts kept up to date, never counted by scanning a thread ---------------------------------------------
#
# A user's unread messages = the messages - those the user wrote or opened. Both figures are kept per dossier
# (ThreadCount) and per user and dossier (SeenCount) by PostgreSQL triggers on messaging_message,
# messaging_messageread and dossiers_dossier (migration 0002_unread_counters), so every way of writing a message or a
# read (the services, the admin, bulk_create, COPY in demo/scale.py, a cascade) updates them in its own transaction.
# Each row also carries what the company scope filters on (the dossier's employer establishment, and the end date of
# a finished dossier for the 6-year rule of dossiers.models.history_cutoff), so that a user's counter adds up, from
# an index alone, one row per dossier of their establishments, without reading the dossiers nor any message.


class CountedScope(models.Model):
    """The dossier's columns the company scope reads, copied by the triggers (see dossiers.models)."""

    establishment = models.ForeignKey(
        "accounts.Establishment", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The dossier's end date once it is finished (refused, closed, cancelled), else None.
    finished_on = models.DateField(null=True)

    class Meta:
        abstract = True

    @classmethod
    def visible_to_companies(cls, establishment_ids, cutoff=None):
        """The rows of these employer establishments' dossiers a company still sees (the 6-year rule; `cutoff`:
        history_cutoff() of the day)."""
        return cls.objects.filter(establishment__in=establishment_ids).exclude(
            finished_on__lt=cutoff or history_cutoff()
        )


class ThreadCount(CountedScope):
    """How many messages a dossier's thread holds (written by the triggers only)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, primary_key=True, related_name="thread_count", verbose_name="dossier"
    )
    messages = models.IntegerField("messages", default=0)
    # When its latest message was written: the Messagerie's page of the n latest messages of a company reads only the
    # n dossiers whose latest message is the latest (messaging.selectors.company_inbox).
    last_message_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "nombre de messages d'un dossier"
        indexes = [
            models.Index(
                fields=["establishment", "-last_message_at"],
                include=["finished_on", "messages"],
                name="thread_count_establishment",
            ),
            # The dossiers of the cutoff's month (selectors._company_totals): those finished since the cutoff.
            models.Index(fields=["establishment", "finished_on"], include=["messages"], name="thread_count_finished"),
        ]

    def __str__(self):
        return f"{self.dossier_id}: {self.messages}"


class SeenCount(CountedScope):
    """How many messages of one dossier one user wrote or opened (written by the triggers only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="seen_counts", db_index=False)
    seen = models.IntegerField("messages écrits ou lus", default=0)

    class Meta:
        verbose_name = "messages lus d'un dossier par un utilisateur"
        constraints = [models.UniqueConstraint(fields=["user", "dossier"], name="seen_count_once_per_user_dossier")]
        indexes = [
            models.Index(fields=["dossier"], name="seen_count_dossier"),
            # The user's dossiers of the cutoff's month (selectors._company_totals): those finished since the cutoff.
            models.Index(
                fields=["user", "establishment", "finished_on"], include=["seen"], name="seen_count_user_finished"
            ),
        ]

    def __str__(self):
        return f"{self.user_id} / {self.dossier_id}: {self.seen}"


# --- the counts of a company's scope, a few rows per establishment --------------------------------------------------
#
# A company user's counter sums, over their establishments, the counts of every dossier they still see (open, or
# finished within the 6 years of history_cutoff): one ThreadCount and one SeenCount row per dossier, thousands for a
# large company. ThreadTotal and SeenTotal keep those sums per establishment and per *month* the dossiers finished in
# (OPEN_MONTH for those not finished), by triggers on ThreadCount and SeenCount (migration 0003), so a counter adds
# up the months after the cutoff's month (a few dozen rows per establishment) and reads the dossier rows of the
# cutoff's own month only (messaging.selectors._company_totals).


class CountedMonth(models.Model):
    """The establishment, and the month its dossiers finished in (OPEN_MONTH: not finished), a total is kept for."""

    establishment = models.ForeignKey(
        "accounts.Establishment", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField("mois de fin des dossiers")

    class Meta:
        abstract = True


class ThreadTotal(CountedMonth):
    """How many messages the threads of an establishment's dossiers finished in `month` hold: ThreadCount summed
    (written by the triggers only)."""

    messages = models.IntegerField("messages", default=0)

    class Meta:
        verbose_name = "nombre de messages d'un établissement par mois de fin"
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "month"], include=["messages"], name="thread_total_once_per_month"
            )
        ]

    def __str__(self):
        return f"{self.establishment_id} / {self.month}: {self.messages}"


class SeenTotal(CountedMonth):
    """How many messages of an establishment's dossiers finished in `month` one user wrote or opened: SeenCount
    summed (written by the triggers only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    seen = models.IntegerField("messages écrits ou lus", default=0)

    class Meta:
        verbose_name = "messages lus d'un établissement par un utilisateur, par mois de fin"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "establishment", "month"], include=["seen"], name="seen_total_once_per_month"
            )
        ]

    def __str__(self):
        return f"{self.user_id} / {self.establishment_id} / {self.month}: {self.seen}"
