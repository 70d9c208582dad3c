"""Shared fixtures: users in each role, and gates for tests that need real services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings

from leadhub.inprocess import runner
from qualification.roles import Role
from tests import factories
from tests import realservices as services


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash test passwords with MD5: PBKDF2's million rounds cost about 0.3 s per user made
    or signed in, minutes over the suite, and no test is about the hash's strength.
    Production keeps Django's default hashers."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, no autovacuum on the test database's tables.

    A test's rows live in a transaction that is rolled back, so autovacuum never sees them;
    what it does see is the churn earlier committed tests left. Its ANALYZE could then land
    while a test held thousands of uncommitted rows and record the tables as empty, and
    every later query in that test was planned for empty tables (the demo story's load
    took 15 minutes in CI instead of 30 seconds). Statistics come from explicit ANALYZEs
    (``db.maintenance``), as the code under test takes them.
    """
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT format('ALTER TABLE %I SET (autovacuum_enabled = off)', tablename) "
                "FROM pg_tables WHERE schemaname = current_schema()"
            )
            for (statement,) in cursor.fetchall():
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def inline_tasks():
    """Run the embedded mode's tasks inline, not on its background thread
    (``leadhub.inprocess``): a test sees a task's effect when its request returns.
    The test process serves no requests, so this is the default; it is kept so even if
    some test imports ``leadhub.wsgi``. tests/api/test_inprocess.py runs the thread."""
    runner.serving = False
    yield
    runner.serving = False


@pytest.fixture(scope="session", autouse=True)
def rate_limits_off():
    """Rate limits and the login lock-out are off for the suite (as ``LEADHUB_RATE_LIMITS=off``):
    hundreds of tests from one address and one user would otherwise be throttled. The tests
    of the limits turn them on with small rates (tests/api/test_rate_limits.py)."""
    with override_settings(LEADHUB_RATE_LIMITS=False, AXES_ENABLED=False):
        yield


@pytest.fixture
def make_user(db):
    """Create a user holding a role (as the demo and ops would); see ``factories.user``."""

    def _make(role: Role | None = Role.SDR, username: str | None = None, **extra) -> User:
        return factories.user(
            role, username=username or (role.value.lower() if role else "nobody"), **extra
        )

    return _make


@pytest.fixture
def client_as(client, make_user):
    """A test client logged in as a fresh user of the given role."""

    def _client(role: Role | None = Role.SDR, **extra):
        client.force_login(make_user(role, **extra))
        return client

    return _client


@pytest.fixture
def postgres(db):
    """Use in tests that need PostgreSQL itself (not the embedded SQLite)."""
    if connection.vendor != "postgresql":
        services.unavailable("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def redis_url() -> str:
    url = services.redis_url()
    if not url:
        services.unavailable("needs Redis: set REDIS_URL=redis://...")
    if not services.redis_reachable(url):
        services.unavailable(f"Redis at {url} is not reachable")
    return url


@pytest.fixture
def eager_tasks():
    """Run Celery tasks in-process, as the embedded default does, whatever the broker.

    Under CI's PostgreSQL + Redis run a task sent from inside a test's transaction would
    reach a real worker that cannot see the test's rows; tests about what a page does once
    its task ran use this (the real worker is tested in tests/tasks and the services).
    """
    from leadhub.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def broker_down():
    """Point Celery at a port where no broker listens: a real outage, not a mock.

    Publishing then fails fast, as it would with Redis down; the previous broker settings
    and connections are restored afterwards.
    """
    from kombu import pools as kombu_pools

    from leadhub.celery import app

    def drop_connections() -> None:
        kombu_pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    keys = ("broker_url", "task_always_eager", "task_publish_retry", "broker_connection_timeout")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url="redis://127.0.0.1:9/0",
        task_always_eager=False,
        task_publish_retry=False,
        broker_connection_timeout=1,
    )
    drop_connections()
    try:
        yield
    finally:
        app.conf.update(saved)
        drop_connections()
