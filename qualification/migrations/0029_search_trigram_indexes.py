"""Trigram indexes for lead search (PostgreSQL only; SQLite searches with a plain scan).

``selectors.search`` matches a phrase anywhere in a lead's full name and email and in its
account's name and domain, written as ``UPPER(col::text) LIKE UPPER('%…%')`` (what
Django's ``icontains`` compiles to). A B-tree cannot serve a leading wildcard; a pg_trgm GIN
index on the same ``UPPER(...)`` expression can, so each side of the search's UNION is a
bitmap index scan instead of a scan of 100,000 leads. The expressions here must stay
character for character what the selector compiles to (tests/selectors/test_search.py
checks the plan on PostgreSQL).

Creating the extension needs a role allowed to (pg_trgm is a trusted extension since
PostgreSQL 13, so a database owner may). Where it cannot be created the migration says so
and leaves the indexes out: search still works, only slower.
"""

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "lead_search_name_trgm": (
        "qualification_lead",
        'UPPER(("first_name" || \' \' || "last_name")::text)',
    ),
    "lead_search_email_trgm": ("qualification_lead", 'UPPER("email"::text)'),
    "account_search_name_trgm": ("qualification_account", 'UPPER("name"::text)'),
    "account_search_domain_trgm": ("qualification_account", 'UPPER("domain"::text)'),
}


def _trigram_available(connection) -> bool:
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as exc:  # no right to create it: search stays unindexed
        print(f"\n  pg_trgm is not available ({exc}); lead search runs without its indexes.")
        return False
    return True


def create_indexes(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or not _trigram_available(connection):
        return
    with connection.cursor() as cursor:
        for name, (table, expression) in INDEXES.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f"USING gin ({expression} gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("qualification", "0028_calendar_open_until_midnight")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
