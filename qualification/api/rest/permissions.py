"""Role permissions for the API: a token gets exactly what its user's role allows.

DRF's DjangoModelPermissions lets any authenticated user read (it maps GET to no
permission); LeadHub's roles grant ``view_*`` explicitly, so reads check it too.
Imports only rest_framework.permissions: settings name this class as the default, and
DRF loads the default while rest_framework.views is still importing.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add"}


class RolePermission(BasePermission):
    """GET → ``<app>.view_<model>``, POST → ``<app>.add_<model>``, plus ``extra_permissions``.

    The model is the view's ``permission_model`` or its queryset's model. A view may list
    more permissions per method in ``extra_permissions`` (feedback also needs
    ``work_queue``). Any other method needs only a login; the view answers 405.
    Anonymous requests are refused before any check, so DRF answers 401, not 403.
    """

    def required_permissions(self, request, view) -> list[str]:
        action = _ACTIONS.get(request.method)
        if action is None:
            return []
        model = getattr(view, "permission_model", None)
        if model is None:
            queryset = getattr(view, "queryset", None)
            model = queryset.model if queryset is not None else None
        perms: list[str] = []
        if model is not None:
            opts = model._meta
            perms.append(f"{opts.app_label}.{action}_{opts.model_name}")
        extra: dict[str, Any] = getattr(view, "extra_permissions", {})
        perms.extend(extra.get(request.method, ()))
        return perms

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return user.has_perms(self.required_permissions(request, view))
