"""SQL expressions the ORM lacks."""

from django.db.models import BooleanField, F, Func


class Among(Func):
    """`column IN ('a', 'b')` with the values written into the SQL instead of passed as parameters. Statements are
    prepared on the server (settings.DATABASE_PREPARE_THRESHOLD) and then run a generic plan, which can use a partial
    index (`WHERE status IN (...)`) only when the index's condition is in the statement itself. For the code's own
    constants (statuses, schemes): never for what a user typed."""

    output_field = BooleanField()

    def __init__(self, field, values):
        super().__init__(F(field) if isinstance(field, str) else field)
        self.values = tuple(str(value) for value in values)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        literals = ", ".join("'" + value.replace("'", "''") + "'" for value in self.values)
        return f"{column} IN ({literals})", params
