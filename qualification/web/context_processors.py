"""What every page's layout needs: the navigation and who is signed in.

Each role sees only the places it may use; the views enforce the same rules.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from qualification.models import user_display_name
from qualification.roles import roles_of
from qualification.web.navigation import nav_items


def navigation(request: HttpRequest) -> dict:
    # The development-mode banner: DEBUG is on only there (settings refuse it in production).
    debug = {"debug_banner": settings.DEBUG}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {**debug, "nav_items": [], "user_roles": [], "user_display_name": ""}
    return {
        **debug,
        "nav_items": nav_items(user, request.path),
        "user_roles": sorted(role.value for role in roles_of(user)),
        "user_display_name": user_display_name(user),
    }
