"""The Content-Security-Policy (issue 14, defect 12) without a browser: the header every
page sends, and a scan of the templates that keeps inline scripts, styles and handlers out
(the browser test, tests/browser/test_csp.py, checks the pages themselves)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualification.roles import Role
from qualification.web.template_filters import pct_class

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = {
    "style attribute": re.compile(r"\sstyle\s*="),
    "style element": re.compile(r"<style[\s>]"),
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>"),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']"),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def _policy(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/queues/mql/", "/api/docs/", "/accounts/login/"])
def test_pages_send_a_policy_without_inline_script_or_style(client, client_as, path):
    response = (client if "login" in path else client_as(Role.SDR)).get(path)
    assert response.status_code == 200
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "style-src-attr" not in policy


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_styles(client_as):
    html = client_as(Role.SDR).get("/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_no_template_has_inline_script_style_or_handlers():
    found = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    ("value", "css"),
    [
        (0, "pct-0"),
        (37, "pct-37"),
        ("37", "pct-37"),
        (37.6, "pct-38"),
        (140, "pct-100"),
        (-5, "pct-0"),
        (None, "pct-0"),
        ("", "pct-0"),
    ],
)
def test_pct_class_is_a_whole_percent_within_the_generated_classes(value, css):
    assert pct_class(value) == css
    assert f".{css} {{ --pct:" in (TEMPLATES.parent / "static/css/pct.css").read_text()
