"""Behaviour shared by several admins: team ownership, definition writes, append-only records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.http import HttpRequest

from qualification.models import Criterion, QualificationPolicy
from qualification.models.choices import Team
from qualification.roles import editable_teams
from qualification.services.definitions import definition_save, definitions_delete

_TEAMS_ATTR = "_leadhub_editable_teams"


def request_editable_teams(request: HttpRequest) -> set[str] | None:
    """``editable_teams`` for the request's user, computed once per request.

    The admin asks for permissions many times per page (once per row, inline and button);
    without the cache each question would query the user's groups again.
    """
    if not hasattr(request, _TEAMS_ATTR):
        setattr(request, _TEAMS_ATTR, editable_teams(request.user))
    return getattr(request, _TEAMS_ATTR)


class TeamOwnedAdminMixin:
    """Marketing and Product edit only what their team owns; Ops edit everything.

    The model permission (``change_criterion``...) says a user may edit *some* rows; this
    mixin narrows it to rows whose ``owner_team`` is one of the user's teams, limits the
    owner-team choices to those teams (so nothing can be handed to another team), and turns
    off bulk editing in the list for team-limited users because Django's list editing checks
    only the model permission, not each row.
    """

    owner_field = "owner_team"

    def _owns(self, request: HttpRequest, obj: models.Model | None) -> bool:
        teams = request_editable_teams(request)
        if teams is None:
            return True
        if obj is None:
            return bool(teams)
        return getattr(obj, self.owner_field) in teams

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self._owns(request, None)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    def formfield_for_choice_field(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> forms.Field:
        if db_field.name == self.owner_field:
            teams = request_editable_teams(request)
            if teams is not None:
                kwargs["choices"] = [(v, label) for v, label in Team.choices if v in teams]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        if request_editable_teams(request) is not None:
            changelist.list_editable = ()
        return changelist


class DefinitionAdminMixin:
    """For admins of scoring definitions (criteria, the qualification policy).

    Saves and deletes go through ``services.definitions``, which records the author in the
    change history. They only ever write a draft (published rows refuse, see
    ``admin.drafts``), so nobody is rescored here: publishing the draft does that.
    """

    def save_model(
        self,
        request: HttpRequest,
        obj: Criterion | QualificationPolicy,
        form: forms.ModelForm,
        change: bool,
    ) -> None:
        definition_save(definition=obj, user=request.user)

    def delete_model(self, request: HttpRequest, obj: Criterion | QualificationPolicy) -> None:
        definitions_delete(definitions=type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        definitions_delete(definitions=queryset)


class AppendOnlyAdminMixin:
    """Records that only ever grow (events, stage transitions, feedback): view, never edit.

    They are written by ingestion and by the dashboard's services, which keep their
    invariants (deduplication, rescoring, the transition log); an edit in the admin would
    rewrite history. ``deletable`` lets ops remove bad data (events only).
    """

    deletable = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows related records and offers no way to add, change or delete them."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
