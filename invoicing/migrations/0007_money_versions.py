import django.db.models.deletion
from django.db import migrations, models

# Statement-level triggers that set a new MoneyVersion for every provider establishment whose money figures a
# statement may change (invoicing.money): its invoices, its dossiers (inserted, deleted, or their establishment,
# scheme or status changed: the schedules summed are those of the scheduled statuses) and their kept schedules
# (ContractPlan). A version is unique, not only increasing: the clock in microseconds, or one more than the last when
# the clock has not moved on, so that a database recreated with the same ids never meets a version cached before.
TOUCH = """
CREATE FUNCTION invoicing_touch_money(establishment_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO invoicing_moneyversion (establishment_id, version)
        SELECT id, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
        FROM (SELECT DISTINCT id FROM unnest(establishment_ids) AS id WHERE id IS NOT NULL) touched
        ORDER BY id
    ON CONFLICT (establishment_id) DO UPDATE
        SET version = GREATEST(invoicing_moneyversion.version + 1, EXCLUDED.version)
$$;

CREATE FUNCTION invoicing_touch_kept_money(establishment_ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE invoicing_moneyversion
        SET version = GREATEST(version + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
        WHERE establishment_id = ANY(establishment_ids)
$$;
"""

# The establishments whose figures a statement may have changed, per table and event, from the statement's rows
# (transition tables old_rows, new_rows); None: the event changes no figure.
THEIR_DOSSIERS = "SELECT d.provider_establishment_id FROM {rows} r JOIN dossiers_dossier d ON d.id = r.dossier_id"
CHANGED = "SELECT d.provider_establishment_id FROM old_rows o JOIN new_rows n ON n.{key} = o.{key} {join} WHERE ({columns}) IS DISTINCT FROM ({new_columns})"


def _changed(key, columns, join="JOIN dossiers_dossier d ON d.id = n.dossier_id"):
    return CHANGED.format(
        key=key,
        join=join,
        columns=", ".join(f"o.{column}" for column in columns),
        new_columns=", ".join(f"n.{column}" for column in columns),
    )


WATCHED = {
    "invoicing_invoice": {
        "inserted": THEIR_DOSSIERS.format(rows="new_rows"),
        "updated": f"{THEIR_DOSSIERS.format(rows='old_rows')} UNION ALL {THEIR_DOSSIERS.format(rows='new_rows')}",
        "deleted": THEIR_DOSSIERS.format(rows="old_rows"),
    },
    # A schedule is inserted by the page that computes the figures with it (invoicing.plans.to_invoice_by), after a
    # dossier's insertion or a schedule's deletion (an input changed) set a new version: the figures kept under that
    # version already include it. The nightly refresh rewrites every schedule: only a different one counts.
    "invoicing_contractplan": {
        "inserted": None,
        "updated": _changed("dossier_id", ["invoicable_from", "amounts", "total"]),
        "deleted": THEIR_DOSSIERS.format(rows="old_rows"),
    },
    # What the figures read of a dossier: its establishment (both, when it moves), scheme and status (the schedules
    # summed are those of the scheduled statuses).
    "dossiers_dossier": {
        "inserted": "SELECT provider_establishment_id FROM new_rows",
        "updated": _changed(
            "id",
            ["provider_establishment_id", "scheme", "status"],
            join="CROSS JOIN LATERAL (VALUES (o.provider_establishment_id), (n.provider_establishment_id)) AS d(provider_establishment_id)",
        ),
        "deleted": "SELECT provider_establishment_id FROM old_rows",
    },
}
TRANSITION_TABLES = {
    "inserted": ("INSERT", "NEW TABLE AS new_rows"),
    "updated": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "deleted": ("DELETE", "OLD TABLE AS old_rows"),
}


def _watched():
    for table, events in WATCHED.items():
        for event, establishments in events.items():
            if establishments is not None:
                yield table, event, establishments


def _triggers():
    sql = [TOUCH]
    for table, event, establishments in _watched():
        # Deletions only update: a version is never recreated for an establishment being deleted.
        touch = "invoicing_touch_kept_money" if event == "deleted" else "invoicing_touch_money"
        operation, transition_tables = TRANSITION_TABLES[event]
        sql.append(f"""
CREATE FUNCTION {table}_money_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {touch}(ARRAY({establishments}));
    RETURN NULL;
END $$;
CREATE TRIGGER {table}_money_{event} AFTER {operation} ON {table}
    REFERENCING {transition_tables} FOR EACH STATEMENT EXECUTE FUNCTION {table}_money_{event}();
""")
    return "\n".join(sql)


def _drop_triggers():
    sql = []
    for table, event, _ in _watched():
        sql += [f"DROP TRIGGER {table}_money_{event} ON {table};", f"DROP FUNCTION {table}_money_{event}();"]
    sql += ["DROP FUNCTION invoicing_touch_money(bigint[]);", "DROP FUNCTION invoicing_touch_kept_money(bigint[]);"]
    return "\n".join(sql)


# Every provider establishment with a dossier gets its first version (demo/scale.py calls the same function for the
# dossiers its COPY wrote without the triggers).
BACKFILL = """
SELECT invoicing_touch_money(ARRAY(SELECT DISTINCT provider_establishment_id FROM dossiers_dossier));
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_user_staff_by_name"),
        ("dossiers", "0017_dossier_totals"),
        ("invoicing", "0006_invoice_settlement"),
    ]

    operations = [
        migrations.CreateModel(
            name="MoneyVersion",
            fields=[
                (
                    "establishment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="accounts.establishment",
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
            options={"verbose_name": "version des chiffres financiers d'un établissement"},
        ),
        migrations.RunSQL(_triggers(), _drop_triggers()),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
