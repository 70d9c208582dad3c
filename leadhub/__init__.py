"""LeadHub project package: settings, URLs, Celery app and WSGI/ASGI entry points."""

from leadhub.celery import app as celery_app

__all__ = ("celery_app",)
