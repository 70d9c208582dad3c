"""Admin pages of a versioned definition (criteria, the policy): published is read-only.

Scoring reads only the published criteria version, and that never changes in place, so an
admin that let ops edit "the" criteria would be a trap: every save would fail. Instead the
lists show one version at a time (the published one unless another is picked), published
and retired rows open read-only, and the way to change one is a button that copies the
published version into a draft (``services.versions.draft_create``) and opens the same
rule there. Drafts are edited like any admin object. A write that still meets a frozen
version (a draft published in another tab) comes back as a message, never a server error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse

from qualification.admin.versions import (
    VERSION_PARAM,
    changelog_url,
    draft_page_url,
    open_drafts,
    versions_url,
    viewed_version,
)
from qualification.core.params import whole_number_or_none
from qualification.models import CriteriaVersion, VersionFrozen, VersionStatus, user_display_name
from qualification.roles import Perm
from qualification.services.versions import (
    GovernanceError,
    draft_create,
    published_version_ensure,
)


class VersionedAdminMixin:
    """For admins of rows that belong to a criteria version (see the module docstring).

    Subclasses may narrow who can edit a row once it is in a draft (``draft_edit_allowed``).
    """

    model: type[models.Model]
    admin_site: admin.AdminSite
    list_select_related: bool | tuple[str, ...] | list[str]
    # "2 results (40 total)" would count every version's rows: noise, not information.
    show_full_result_count = False

    # --- what the subclass tells ----------------------------------------------------------

    def draft_counterpart(self, obj: Any, draft: CriteriaVersion) -> Any | None:
        """The same row in the draft: the same key where rows have one (criteria, whose key
        is the id exports and versions share), else the draft's one row (its policy)."""
        rows = self.model._default_manager.filter(version=draft)
        if hasattr(obj, "key"):
            rows = rows.filter(key=obj.key)
        return rows.first()

    def draft_edit_allowed(self, request: HttpRequest, obj: Any) -> bool:
        """Whether the user may edit this row's copy in a draft (role and team)."""
        return request.user.has_perm(f"{self.model._meta.app_label}.change_{self._name}")

    # --- permissions: frozen rows are read-only -------------------------------------------

    @property
    def _name(self) -> str:
        return self.model._meta.model_name

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Every permission check reads the row's version. The list's own joins go here too:
        # Django skips ``list_select_related`` once a queryset has any select_related.
        listed = self.list_select_related
        related = listed if isinstance(listed, list | tuple) else ()
        return super().get_queryset(request).select_related("version", *related)

    @staticmethod
    def is_frozen(obj: Any | None) -> bool:
        return obj is not None and obj.version.status != VersionStatus.DRAFT

    def has_change_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return not self.is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any | None = None) -> bool:
        return not self.is_frozen(obj) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any | None = None) -> Any:
        # A row stays in its version; copying it into a draft is what "Edit in a draft" does.
        readonly = tuple(super().get_readonly_fields(request, obj))
        return ("version", *readonly) if obj is not None else readonly

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "version":
            kwargs["queryset"] = open_drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def list_shows_draft(self, request: HttpRequest) -> bool:
        return viewed_version(request).status == VersionStatus.DRAFT

    # --- urls and views -------------------------------------------------------------------

    def _url_name(self, view: str) -> str:
        return f"{self.model._meta.app_label}_{self._name}_{view}"

    def admin_url(self, view: str, *args: Any, query: dict[str, Any] | None = None) -> str:
        url = reverse(f"{self.admin_site.name}:{self._url_name(view)}", args=args)
        return f"{url}?{urlencode(query)}" if query else url

    def version_list_url(self, version: CriteriaVersion) -> str:
        return self.admin_url("changelist", query={VERSION_PARAM: version.pk})

    def row_url(self, obj: Any) -> str:
        """The change form of ``obj``; saving there returns to its version's list."""
        filters = urlencode({VERSION_PARAM: obj.version_id})
        return self.admin_url("change", obj.pk, query={"_changelist_filters": filters})

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("draft/new/", wrap(self.draft_new_view), name=self._url_name("draft_new")),
            path(
                "<path:object_id>/edit-in-draft/",
                wrap(self.edit_in_draft_view),
                name=self._url_name("edit_in_draft"),
            ),
            *super().get_urls(),
        ]

    def _new_draft(self, request: HttpRequest) -> CriteriaVersion:
        published = published_version_ensure()
        title = f"Edit of {published.label} by {user_display_name(request.user)}"
        return draft_create(user=request.user, title=title)

    def draft_new_view(self, request: HttpRequest) -> HttpResponse:
        """ "Edit in a new draft" on a list: copy the published version, show the copy."""
        if request.method != "POST":
            return HttpResponseRedirect(self.admin_url("changelist"))
        try:
            draft = self._new_draft(request)
        except GovernanceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("changelist"))
        self.message_user(
            request,
            f"{draft.label} made from {draft.base.label}: edit it here, then preview and "
            "publish it from its draft page.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.version_list_url(draft))

    def edit_in_draft_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """ "Edit in a draft" on a published row: open its copy in a draft (new or given)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        back = self.admin_url("change", obj.pk)
        if request.method != "POST":
            return HttpResponseRedirect(back)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        if obj.version.status == VersionStatus.DRAFT:
            return HttpResponseRedirect(self.row_url(obj))
        if obj.version.status == VersionStatus.RETIRED:
            self.message_user(
                request,
                f"{obj.version.label} is retired. To bring its rules back, roll back to it on "
                "the versions page; to change today's rules, open the published version.",
                messages.WARNING,
            )
            return HttpResponseRedirect(back)
        if not self.draft_edit_allowed(request, obj):
            self.message_user(
                request, "Your role or team does not allow you to edit this.", messages.ERROR
            )
            return HttpResponseRedirect(back)
        try:
            draft = self._draft_asked_for(request) or self._new_draft(request)
        except GovernanceError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(back)
        row = self.draft_counterpart(obj, draft)
        if row is None:
            self.message_user(
                request,
                f"{draft.label} does not have “{obj}” (it was removed there).",
                messages.WARNING,
            )
            return HttpResponseRedirect(self.version_list_url(draft))
        return HttpResponseRedirect(self.row_url(row))

    @staticmethod
    def _draft_asked_for(request: HttpRequest) -> CriteriaVersion | None:
        raw = request.POST.get("draft") or request.GET.get("draft") or ""
        if not raw:
            return None
        asked = whole_number_or_none(raw)
        draft = open_drafts().filter(pk=asked).first() if asked is not None else None
        if draft is None:
            raise GovernanceError(
                f"Draft {raw} is no longer a draft (published or deleted). Pick another one, "
                "or make a new draft."
            )
        return draft

    # --- pages: what version this is, and a message instead of a 500 ---------------------

    def version_context(self, request: HttpRequest, version: CriteriaVersion) -> dict[str, Any]:
        """What the version box above a list or a form shows."""
        user = request.user
        return {
            "version": version,
            "is_draft": version.status == VersionStatus.DRAFT,
            "is_published": version.status == VersionStatus.PUBLISHED,
            "draft_page_url": draft_page_url(version) if version.is_draft else None,
            "changelog_url": None if version.is_draft else changelog_url(version),
            "versions_url": versions_url(),
            "can_draft": user.has_perm(Perm.DRAFT_CRITERIA),
            "draft_new_url": self.admin_url("draft_new"),
            "drafts": [
                {"draft": d, "list_url": self.version_list_url(d)}
                for d in open_drafts().select_related("author")
                if d.pk != version.pk
            ],
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {
            "version_box": self.version_context(request, viewed_version(request)),
            **(extra_context or {}),
        }
        return self._frozen_safe(request, super().changelist_view, request, context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if (
            object_id is None
            and request.method == "GET"
            and self.has_add_permission(request)
            and not open_drafts().exists()
        ):
            self.message_user(
                request,
                "New rules go into a draft, and there is none yet: press “Edit in a new "
                "draft” here first.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self.admin_url("changelist"))
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is not None:
            box = self.version_context(request, obj.version)
            box["edit_in_draft_url"] = self.admin_url("edit_in_draft", obj.pk)
            box["may_edit_in_draft"] = box["can_draft"] and self.draft_edit_allowed(request, obj)
            context["version_box"] = box
        return self._frozen_safe(
            request, super().changeform_view, request, object_id, form_url, context
        )

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._frozen_safe(request, super().delete_view, request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Reverting a published row would rewrite what scored leads: refused, with the way."""
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if self.is_frozen(obj):
                self.message_user(
                    request,
                    f"{obj.version.label} cannot change, so nothing was reverted. Open the "
                    "criterion, press “Edit in a draft”, and revert the draft's copy instead.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(self.admin_url("history", obj.pk))
        return self._frozen_safe(
            request, super().history_form_view, request, object_id, version_id, extra_context
        )

    def _frozen_safe(self, request: HttpRequest, view: Any, *args: Any) -> HttpResponse:
        """Run an admin view; a write that met a frozen version becomes a message."""
        try:
            return view(*args)
        except VersionFrozen as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_post_save_add(self, request: HttpRequest, obj: Any) -> HttpResponse:
        return self._back_to_version(request, obj) or super().response_post_save_add(request, obj)

    def response_post_save_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        return self._back_to_version(request, obj) or super().response_post_save_change(
            request, obj
        )

    def _back_to_version(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        """After a save, the list of the row's own draft rather than the published one."""
        if request.GET.get("_changelist_filters") or not self.has_view_or_change_permission(
            request
        ):
            return None
        return HttpResponseRedirect(self.version_list_url(obj.version))
