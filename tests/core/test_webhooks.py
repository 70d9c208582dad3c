"""The one rule for where a team's alerts may be posted."""

from __future__ import annotations

import pytest

from qualification.core.webhooks import HTTPS_NEEDED, webhook_url_problem


@pytest.mark.parametrize(
    ("url", "debug", "problem"),
    [
        ("https://hooks.slack.com/services/T0/B0/x", False, None),
        ("  https://hooks.example.com/a  ", False, None),
        ("http://hooks.example.com/a", False, HTTPS_NEEDED),  # lead names in the clear
        ("http://hooks.example.com/a", True, None),  # debugging
        ("http://127.0.0.1:8081/hook", False, None),  # a relay on this machine
        ("http://[::1]:8081/hook", False, None),
        ("http://localhost/hook", False, None),
        ("http://127.0.0.1.example.com/hook", False, HTTPS_NEEDED),  # not loopback
        ("http://10.0.0.5/hook", False, HTTPS_NEEDED),
        ("file:///etc/passwd", True, HTTPS_NEEDED),
        ("ftp://hooks.example.com/a", False, HTTPS_NEEDED),
        ("https://", False, HTTPS_NEEDED),
        ("https://[::1/hook", False, HTTPS_NEEDED),  # unbalanced bracket
        ("hooks.example.com/a", False, HTTPS_NEEDED),
    ],
)
def test_only_https_or_this_machine_receives_alerts(url, debug, problem):
    assert webhook_url_problem(url, debug=debug) == problem
