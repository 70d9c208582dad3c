"""WSGI entry point (gunicorn leadhub.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from leadhub.inprocess import runner

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadhub.settings")
application = get_wsgi_application()

runner.serve()  # embedded mode: tasks after the response (a no-op with a broker)
