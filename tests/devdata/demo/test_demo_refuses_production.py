"""``manage.py demo`` refuses under LEADHUB_ENV=production (issue 14, defect 12b): it would
create one user per role with the documented password."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from qualification.models import Lead

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
@override_settings(LEADHUB_PRODUCTION=True)
def test_demo_refuses_in_production_and_writes_nothing():
    with pytest.raises(CommandError, match="refuses to run with LEADHUB_ENV=production"):
        call_command("demo", "--no-serve", stdout=io.StringIO())
    assert not User.objects.exists()
    assert not Lead.objects.exists()


def test_demo_under_production_exits_non_zero_with_the_reason():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LEADHUB_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        LEADHUB_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key-for-tests",
        DJANGO_ALLOWED_HOSTS="leadhub.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "demo", "--no-serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "refuses to run with LEADHUB_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr
