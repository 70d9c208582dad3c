"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from leadhub.inprocess import runner

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadhub.settings")
application = get_asgi_application()

runner.serve()  # embedded mode: tasks after the response (a no-op with a broker)
