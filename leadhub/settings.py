"""Django settings for LeadHub, read from the environment.

- No environment: SQLite in the project folder, Celery tasks executed in-process.
- ``DATABASE_URL=postgres://...`` and ``REDIS_URL=redis://...``: PostgreSQL, Redis broker,
  real Celery worker and beat (django-celery-beat's database scheduler).
- ``LEADHUB_ENV=production``: DEBUG off, ``DJANGO_SECRET_KEY`` required, hosts from
  ``DJANGO_ALLOWED_HOSTS``, secure cookies and HSTS (passes ``manage.py check --deploy``).
- Email (SLA alerts): ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
  ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS`` or ``EMAIL_USE_SSL``, ``DEFAULT_FROM_EMAIL``.
  Without ``EMAIL_HOST`` (the embedded default) Django's console backend prints each email
  to the sending process's output instead of sending it. ``LEADHUB_ALERT_BASE_URL`` is the
  absolute address links in emails and team webhooks point to.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from leadhub import ratelimits
from leadhub.env import (
    alert_base_url,
    current,
    env_bool,
    env_int,
    env_list,
    secret_key,
    select_email,
    select_runtime,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = current()
RUNTIME = select_runtime(ENV, BASE_DIR)

# Issue 14 defect 12: commands that must never run in production (manage.py demo) ask this.
LEADHUB_PRODUCTION = RUNTIME.production

SECRET_KEY = secret_key(ENV, RUNTIME.production)
# Development mode has Django's debug pages on (the demo; every page says so in a banner,
# qualification.web.context_processors.navigation); production refuses them.
DEBUG = env_bool(ENV, "DJANGO_DEBUG", default=not RUNTIME.production)
if DEBUG and RUNTIME.production:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG cannot be on with LEADHUB_ENV=production: debug pages show settings "
        "and source to anyone."
    )
ALLOWED_HOSTS = env_list(
    ENV,
    "DJANGO_ALLOWED_HOSTS",
    [] if RUNTIME.production else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env_list(ENV, "DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "simple_history",
    "django_celery_beat",
    "rest_framework",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",  # issue 14 defect 12: Content-Security-Policy (its checks and nonce tag)
    "qualification",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # issue 14 defect 12
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Issue 14, defect 7: a NUL byte in the path or a parameter is a 400 before any view
    # (PostgreSQL refuses it in text: a 500 wherever a value reaches a query).
    "qualification.web.request_guard.NulByteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "qualification.web.middleware.UserTimezoneMiddleware",
    # Issue 14 defect 9: django-axes last, so it sees the login views' results.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leadhub.urls"
WSGI_APPLICATION = "leadhub.wsgi.application"
ASGI_APPLICATION = "leadhub.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qualification.web.context_processors.navigation",
                "qualification.web.context_versions.criteria_governance",
                "qualification.web.context_notifications.notifications",
            ],
            "builtins": ["qualification.web.template_filters"],
        },
    },
]

DATABASES = {"default": RUNTIME.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Issue 14 defect 9: the axes backend first, so a locked-out username+address is refused.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = ENV.get("LEADHUB_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if RUNTIME.production
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

DJANGO_TABLES2_TEMPLATE = "tables/table.html"

# Four-eyes rule for criteria: a draft is published only after a second ops user approved
# it (LEADHUB_CRITERIA_FOUR_EYES=1).
LEADHUB_CRITERIA_FOUR_EYES = env_bool(ENV, "LEADHUB_CRITERIA_FOUR_EYES", False)

# Celery: the embedded default runs tasks in-process: in a web process on one thread after
# the response, elsewhere inline (leadhub.inprocess); REDIS_URL selects a broker and workers.
CELERY_BROKER_URL = RUNTIME.broker_url
CELERY_RESULT_BACKEND = RUNTIME.result_backend
CELERY_TASK_ALWAYS_EAGER = RUNTIME.eager_tasks
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending a task must never hold a request (issue 14): with Redis down, kombu's default
# reconnect loop slept 6 s and the result backend's subscribe retried for 19 s inside the
# request. One quick reconnect, short socket timeouts and no publish retry
# (``services.rescore_requests.enqueue_safely``); the marks and the sweep do the rest. A
# worker's own reconnecting is governed by CELERY_BROKER_CONNECTION_RETRY, not by these.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
# Issue 14 defect 6: a full rescore runs as chunks of lead ids, each acknowledged late. A
# chunk held by a worker that died goes back to the queue after the visibility timeout
# (Kombu's default: an hour): longer than a chunk, well under an hour. Countdowns (task
# retries) must stay below it, or Redis hands the waiting message to a second worker.
LEADHUB_CELERY_VISIBILITY_TIMEOUT = env_int(
    ENV, "LEADHUB_CELERY_VISIBILITY_TIMEOUT", 600, minimum=2
)
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = LEADHUB_CELERY_VISIBILITY_TIMEOUT
LEADHUB_RESCORE_CHUNK_SIZE = env_int(ENV, "LEADHUB_RESCORE_CHUNK_SIZE", 5000, minimum=1)

# Outgoing mail for SLA alerts (leadhub.env.select_email): SMTP with EMAIL_HOST, else console.
_email = select_email(ENV)
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_TIMEOUT = 10  # a hung SMTP server fails the send (and it is retried), never a worker
DEFAULT_FROM_EMAIL = _email.default_from
SERVER_EMAIL = _email.default_from
# Absolute links to the lead page in alert emails and webhook posts.
LEADHUB_ALERT_BASE_URL = alert_base_url(ENV)
# First retry delay of a failed alert delivery (doubles each attempt, six attempts in all).
LEADHUB_DELIVERY_RETRY_SECONDS = env_int(ENV, "LEADHUB_DELIVERY_RETRY_SECONDS", 60, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": ENV.get("LEADHUB_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Issue 14 defect 12: a Content-Security-Policy (django-csp). Scripts, styles and images come
# from our own origin only: no inline script, style element or style attribute (bars take
# their width from a class, static/css/pct.css; htmx's indicator styles are off; a
# third-party page's inline script is overridden into a static file). Plugins and foreign
# form targets are refused. data: images are Swagger UI's and the admin's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

if RUNTIME.production:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool(ENV, "DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(ENV.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# REST API (/api/): tokens for scripts, the session for the browser; role permissions decide.
# Token comes first so an anonymous request gets 401 with ``WWW-Authenticate: Token``.
# Issue 14 defect 10: tokens are hashed ``ApiToken`` rows (rest_framework.authtoken is gone;
# migration 0032 moved its tokens over).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "qualification.api.rest.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["qualification.api.rest.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "qualification.api.rest.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Issue 14, defect 11: the schema documents the error responses too.
    "DEFAULT_SCHEMA_CLASS": "qualification.api.rest.schema.AutoSchema",
    "EXCEPTION_HANDLER": "qualification.api.rest.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "qualification.api.rest.throttles.UserThrottle",
        "qualification.api.rest.throttles.AnonThrottle",
    ],
}

# Issue 14 defect 9: brute-force protection and rate limits (leadhub.ratelimits).
# LEADHUB_RATE_LIMITS=off turns all of them off; LEADHUB_RATE_<NAME>=N/period sets each rate.
# Counters live in the cache, shared by all workers (Redis when REDIS_URL is set).
LEADHUB_RATE_LIMITS = ratelimits.enabled(ENV)
LEADHUB_RATES = ratelimits.rates(ENV)
CACHES = ratelimits.caches(ENV.get("REDIS_URL", "").strip() or None)
AXES_ENABLED = LEADHUB_RATE_LIMITS
AXES_FAILURE_LIMIT = env_int(ENV, "LEADHUB_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int(ENV, "LEADHUB_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
SPECTACULAR_SETTINGS = {
    "TITLE": "LeadHub API",
    "DESCRIPTION": "Leads with their scores and reasons, sales feedback, glossary and criteria.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    # The schema is behind a login like every other page (drf-spectacular defaults to open).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The docs page loads Swagger UI from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put a link inside each operation's expand button, which nests one control
    # in another for keyboards and screen readers (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # The /v1/ tracking API is plain Django views; this hook adds it to the schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "qualification.api.segment_schema.add_tracking_api",
    ],
    "REDOC_DIST": "SIDECAR",
}
