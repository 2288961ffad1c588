import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Statement-level triggers (one aggregated upsert per statement: the message and read triggers of 0002 write
# ThreadCount and SeenCount in one statement, and COPY and bulk writes stay fast) that keep ThreadTotal and SeenTotal
# equal to ThreadCount and SeenCount summed per establishment (and user) and month of the dossier's end
# (messaging.models: OPEN_MONTH for a dossier not finished), in the transaction that writes the counts. Deletions
# only UPDATE: a total is never recreated for an establishment or a user being deleted in the same transaction.
TRIGGERS = """
CREATE FUNCTION messaging_month(finished_on date) RETURNS date
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT COALESCE(finished_on - (EXTRACT(DAY FROM finished_on)::integer - 1), DATE '9999-12-31') $$;

CREATE FUNCTION messaging_total_inserted_threads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO messaging_threadtotal (establishment_id, month, messages)
        SELECT establishment_id, messaging_month(finished_on), sum(messages) FROM new_threads GROUP BY 1, 2
        ON CONFLICT (establishment_id, month) DO UPDATE SET messages = messaging_threadtotal.messages + EXCLUDED.messages;
    RETURN NULL;
END $$;

CREATE FUNCTION messaging_total_updated_threads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO messaging_threadtotal (establishment_id, month, messages)
        SELECT establishment_id, month, sum(n) FROM (
            SELECT establishment_id, messaging_month(finished_on) AS month, messages AS n FROM new_threads
            UNION ALL
            SELECT establishment_id, messaging_month(finished_on), -messages FROM old_threads
        ) change GROUP BY 1, 2 HAVING sum(n) <> 0
        ON CONFLICT (establishment_id, month) DO UPDATE SET messages = messaging_threadtotal.messages + EXCLUDED.messages;
    RETURN NULL;
END $$;

CREATE FUNCTION messaging_total_deleted_threads() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messaging_threadtotal t SET messages = t.messages - gone.n
        FROM (SELECT establishment_id, messaging_month(finished_on) AS month, sum(messages) AS n
              FROM old_threads GROUP BY 1, 2) gone
        WHERE t.establishment_id = gone.establishment_id AND t.month = gone.month;
    RETURN NULL;
END $$;

CREATE FUNCTION messaging_total_inserted_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO messaging_seentotal (user_id, establishment_id, month, seen)
        SELECT user_id, establishment_id, messaging_month(finished_on), sum(seen) FROM new_seen GROUP BY 1, 2, 3
        ON CONFLICT (user_id, establishment_id, month) DO UPDATE SET seen = messaging_seentotal.seen + EXCLUDED.seen;
    RETURN NULL;
END $$;

CREATE FUNCTION messaging_total_updated_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO messaging_seentotal (user_id, establishment_id, month, seen)
        SELECT user_id, establishment_id, month, sum(n) FROM (
            SELECT user_id, establishment_id, messaging_month(finished_on) AS month, seen AS n FROM new_seen
            UNION ALL
            SELECT user_id, establishment_id, messaging_month(finished_on), -seen FROM old_seen
        ) change GROUP BY 1, 2, 3 HAVING sum(n) <> 0
        ON CONFLICT (user_id, establishment_id, month) DO UPDATE SET seen = messaging_seentotal.seen + EXCLUDED.seen;
    RETURN NULL;
END $$;

CREATE FUNCTION messaging_total_deleted_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messaging_seentotal t SET seen = t.seen - gone.n
        FROM (SELECT user_id, establishment_id, messaging_month(finished_on) AS month, sum(seen) AS n
              FROM old_seen GROUP BY 1, 2, 3) gone
        WHERE t.user_id = gone.user_id AND t.establishment_id = gone.establishment_id AND t.month = gone.month;
    RETURN NULL;
END $$;

CREATE TRIGGER messaging_threadcount_inserted AFTER INSERT ON messaging_threadcount
    REFERENCING NEW TABLE AS new_threads FOR EACH STATEMENT EXECUTE FUNCTION messaging_total_inserted_threads();
CREATE TRIGGER messaging_threadcount_updated AFTER UPDATE ON messaging_threadcount
    REFERENCING OLD TABLE AS old_threads NEW TABLE AS new_threads
    FOR EACH STATEMENT EXECUTE FUNCTION messaging_total_updated_threads();
CREATE TRIGGER messaging_threadcount_deleted AFTER DELETE ON messaging_threadcount
    REFERENCING OLD TABLE AS old_threads FOR EACH STATEMENT EXECUTE FUNCTION messaging_total_deleted_threads();
CREATE TRIGGER messaging_seencount_inserted AFTER INSERT ON messaging_seencount
    REFERENCING NEW TABLE AS new_seen FOR EACH STATEMENT EXECUTE FUNCTION messaging_total_inserted_seen();
CREATE TRIGGER messaging_seencount_updated AFTER UPDATE ON messaging_seencount
    REFERENCING OLD TABLE AS old_seen NEW TABLE AS new_seen
    FOR EACH STATEMENT EXECUTE FUNCTION messaging_total_updated_seen();
CREATE TRIGGER messaging_seencount_deleted AFTER DELETE ON messaging_seencount
    REFERENCING OLD TABLE AS old_seen FOR EACH STATEMENT EXECUTE FUNCTION messaging_total_deleted_seen();
"""

DROP_TRIGGERS = """
DROP TRIGGER messaging_threadcount_inserted ON messaging_threadcount;
DROP TRIGGER messaging_threadcount_updated ON messaging_threadcount;
DROP TRIGGER messaging_threadcount_deleted ON messaging_threadcount;
DROP TRIGGER messaging_seencount_inserted ON messaging_seencount;
DROP TRIGGER messaging_seencount_updated ON messaging_seencount;
DROP TRIGGER messaging_seencount_deleted ON messaging_seencount;
DROP FUNCTION messaging_total_inserted_threads();
DROP FUNCTION messaging_total_updated_threads();
DROP FUNCTION messaging_total_deleted_threads();
DROP FUNCTION messaging_total_inserted_seen();
DROP FUNCTION messaging_total_updated_seen();
DROP FUNCTION messaging_total_deleted_seen();
DROP FUNCTION messaging_month(date);
"""

# The totals of the counts written before the triggers (the triggers' table locks keep writers out meanwhile).
BACKFILL = """
INSERT INTO messaging_threadtotal (establishment_id, month, messages)
    SELECT establishment_id, messaging_month(finished_on), sum(messages) FROM messaging_threadcount GROUP BY 1, 2;
INSERT INTO messaging_seentotal (user_id, establishment_id, month, seen)
    SELECT user_id, establishment_id, messaging_month(finished_on), sum(seen) FROM messaging_seencount GROUP BY 1, 2, 3;
ANALYZE messaging_threadtotal, messaging_seentotal;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_user_staff_by_name"),
        ("messaging", "0002_unread_counters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ThreadTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="mois de fin des dossiers")),
                ("messages", models.IntegerField(default=0, verbose_name="messages")),
                (
                    "establishment",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.establishment",
                    ),
                ),
            ],
            options={
                "verbose_name": "nombre de messages d'un établissement par mois de fin",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("establishment", "month"), include=("messages",), name="thread_total_once_per_month"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SeenTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="mois de fin des dossiers")),
                ("seen", models.IntegerField(default=0, verbose_name="messages écrits ou lus")),
                (
                    "establishment",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.establishment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "messages lus d'un établissement par un utilisateur, par mois de fin",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "establishment", "month"), include=("seen",), name="seen_total_once_per_month"
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
