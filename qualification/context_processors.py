"""Navigation: each role sees only the places it may use (the views enforce the same rules)."""

from django.http import HttpRequest

from .navigation import nav_items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_items(user, request.path)}
