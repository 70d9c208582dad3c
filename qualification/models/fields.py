"""Model fields LeadHub needs beyond Django's own."""

from __future__ import annotations

from typing import Any

from django.db import models


class DocumentJSONField(models.JSONField):
    """A JSON document stored and read whole: PostgreSQL ``json`` rather than ``jsonb``.

    The score breakdown is rewritten for every lead whose score changes and is only ever
    read whole (lead page, API); nothing queries inside it. ``jsonb`` parses and re-encodes
    every value it stores, which measured as the largest cost of a full rescore's bulk
    UPDATE (2.6 s per 20,000 leads, 1.4 s as ``json``). Other databases store text either
    way, so this only changes the PostgreSQL column type. The likelihood's factors are the
    same kind of document (written with every estimate, read whole): 0.15 s of a full
    rescore's database time per 100,000 leads as ``jsonb``, measured.
    """

    def db_type(self, connection) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection) -> Any:
        # psycopg decodes ``json`` columns itself (Django only registers a text loader for
        # ``jsonb``); a decoded value is final.
        if value is not None and not isinstance(value, str):
            return value
        return super().from_db_value(value, expression, connection)
