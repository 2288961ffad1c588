"""Cheaper writes of the outbox (issue 18, digests): each email is one INSERT and two UPDATEs (its claim, then its
record "sent"), and each UPDATE of a row writes a new entry in every index of the table (its status is indexed, so
no update is HOT).

- The two `varchar_pattern_ops` indexes Django adds for the unique CharFields `message_id` and `dedup_key` serve
  only LIKE 'prefix%' queries, which nothing runs (the admin searches message_id with icontains, which they do not
  serve); the unique constraints stay. Note: an AlterField of these fields would create them again.
- The texts (HTML and plain text, compressed by PostgreSQL once the row outgrows 2 kB) use lz4, several times
  faster than the default pglz to compress and read back (PostgreSQL 14+; rows written before keep pglz).
"""

from django.db import migrations

TABLE = "outbox_outgoingemail"


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_outgoing_email")]

    operations = [
        migrations.RunSQL(
            [
                "DROP INDEX IF EXISTS outbox_outgoingemail_message_id_3f85d405_like",
                "DROP INDEX IF EXISTS outbox_outgoingemail_dedup_key_25d5a1c7_like",
            ],
            [
                f"CREATE INDEX outbox_outgoingemail_message_id_3f85d405_like ON {TABLE} "
                "(message_id varchar_pattern_ops)",
                f"CREATE INDEX outbox_outgoingemail_dedup_key_25d5a1c7_like ON {TABLE} (dedup_key varchar_pattern_ops)",
            ],
        ),
        migrations.RunSQL(
            [
                f"ALTER TABLE {TABLE} ALTER COLUMN html SET COMPRESSION lz4",
                f"ALTER TABLE {TABLE} ALTER COLUMN body SET COMPRESSION lz4",
            ],
            [
                f"ALTER TABLE {TABLE} ALTER COLUMN html SET COMPRESSION default",
                f"ALTER TABLE {TABLE} ALTER COLUMN body SET COMPRESSION default",
            ],
        ),
    ]
