"""What every page's layout needs: the navigation and who is signed in.

Each role sees only the places it may use; the views enforce the same rules.
"""

from __future__ import annotations

from django.http import HttpRequest

from .navigation import nav_items
from .roles import roles_of


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": [], "user_display_name": ""}
    return {
        "nav_items": nav_items(user, request.path),
        "user_roles": sorted(role.value for role in roles_of(user)),
        "user_display_name": user.get_full_name() or user.get_username(),
    }
