"""Celery tasks: thin wrappers that take ids, call a service or selector, and retry on failure."""

from __future__ import annotations

from celery import shared_task
from django.db import connection

from .selectors.system import system_status_read


@shared_task(name="qualification.system_status", acks_late=True)
def system_status() -> dict:
    """Report what the worker sees: its database and the row counts there.

    Ops run it through ``manage.py worker_status`` to confirm a worker is up and
    connected to the same database as the web app (a mismatch means scoring would
    write to the wrong place).
    """
    return {"database_vendor": connection.vendor, **system_status_read()}
