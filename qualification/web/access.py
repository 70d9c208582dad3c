"""Page access: the one decorator and mixin that refuse a page, naming what it needs.

Django's ``permission_required`` raises a bare ``PermissionDenied``, so the 403 page could
only say "your role can't open this page". These carry the permission in the exception;
``templates/403.html`` turns it into the roles that hold it (``roles_with``), so the page
can say who has access instead of sending everyone to "ask revenue operations".
Sign-in itself is enforced for every page by ``LoginRequiredMiddleware``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def requires(perm: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """``@requires(Perm.WORK_QUEUE)``: the view runs only for users holding ``perm``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied(perm)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RequiresPermission(PermissionRequiredMixin):
    """``PermissionRequiredMixin`` whose refusal names the first permission missing."""

    raise_exception = True

    def handle_no_permission(self) -> HttpResponse:
        missing = next(
            (p for p in self.get_permission_required() if not self.request.user.has_perm(p)), ""
        )
        raise PermissionDenied(missing)
