"""Saving and deleting a rep's queue views (their own only).

A view is the queue page's own query string, minus what belongs to one visit (the page
number, the "new leads" poll time); saving a name again updates that view.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict

from qualification.core.vocabulary import QUEUE_SCOPES
from qualification.models import SavedView
from qualification.roles import Perm

NAME_LIMIT = 60
QUERY_LIMIT = 2000
VIEWS_PER_USER = 50
# Parameters of one visit, never part of a view.
_TRANSIENT = ("page", "since", "csrfmiddlewaretoken", "name", "scope", "next")


def view_query(query: str) -> str:
    """``query`` without its one-visit parameters, in a stable order."""
    data = QueryDict(query, mutable=True)
    for key in _TRANSIENT:
        data.pop(key, None)
    return data.urlencode()


def saved_view_save(*, user, scope: str, name: str, query: str) -> SavedView:
    """Save (or update, by name) ``user``'s view of queue ``scope``."""
    if not user.has_perm(Perm.VIEW_LEADS):
        raise PermissionDenied(Perm.VIEW_LEADS)
    if scope not in QUEUE_SCOPES:
        raise ValidationError({"scope": "Pick one of the queues."})
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    if len(name) > NAME_LIMIT:
        raise ValidationError({"name": f"Keep the name to {NAME_LIMIT} characters."})
    query = view_query(query)
    if len(query) > QUERY_LIMIT:
        raise ValidationError({"query": "These filters are too long to save; remove some."})
    existing = SavedView.objects.filter(user=user, scope=scope, name=name).first()
    if existing is None and SavedView.objects.filter(user=user).count() >= VIEWS_PER_USER:
        raise ValidationError({"name": f"You have {VIEWS_PER_USER} saved views; delete one first."})
    view, _ = SavedView.objects.update_or_create(
        user=user, scope=scope, name=name, defaults={"query": query}
    )
    return view


def saved_view_delete(*, user, view_id: int) -> bool:
    """Delete one of ``user``'s own views; False when there is none by that id."""
    deleted, _ = SavedView.objects.filter(pk=view_id, user=user).delete()
    return bool(deleted)
