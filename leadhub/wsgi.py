"""WSGI entry point (gunicorn leadhub.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadhub.settings")
application = get_wsgi_application()
