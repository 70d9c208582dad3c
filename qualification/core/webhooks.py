"""Which webhook URLs a team's alerts may be posted to: one rule for saving and sending.

Alerts carry lead names and links, so they leave the machine only over https. Plain http
is accepted while debugging, and to this machine itself (a relay listening on loopback:
nothing crosses the network unencrypted). The admin form refuses anything else when a
team is saved, and the sender refuses it again at delivery, so a URL stored some other way
(a bulk update, a settings change) is never posted to in the clear.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

HTTPS_NEEDED = "Use an https:// webhook URL."


def webhook_url_problem(url: str, *, debug: bool) -> str | None:
    """Why ``url`` may not receive alerts, in words for the form and the delivery log;
    None when it may."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:  # an unbalanced IPv6 bracket, a bad port
        return HTTPS_NEEDED
    if not host or parts.scheme not in ("https", "http"):
        return HTTPS_NEEDED
    if parts.scheme == "http" and not (debug or _loopback(host)):
        return HTTPS_NEEDED
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
