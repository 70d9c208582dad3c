"""What ops run the system with: outreach templates and ingestion keys."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html

from qualification.admin.forms import IngestKeyAdminForm, LeadHubModelForm
from qualification.admin.history import LeadHubHistoryAdmin
from qualification.models import IngestKey, MessageTemplate
from qualification.services.ingest_keys import (
    IngestKeyError,
    ingest_key_create,
    ingest_key_revoke,
    ingest_key_rotate,
)


class MessageTemplateAdminForm(LeadHubModelForm):
    class Meta:
        model = MessageTemplate
        fields = ("name", "trigger", "subject", "body", "is_active")
        help_texts = {
            "body": "Placeholders filled from the lead's facts: "
            + ", ".join(f"{{{name}}}" for name in sorted(MessageTemplate.PLACEHOLDERS))
            + ".",
        }


@admin.register(MessageTemplate)
class MessageTemplateAdmin(LeadHubHistoryAdmin):
    form = MessageTemplateAdminForm
    list_display = ("name", "trigger", "subject", "is_active", "updated_at")
    list_filter = ("trigger", "is_active")
    search_fields = ("name", "subject", "body")
    ordering = ("trigger", "name")
    readonly_fields = ("updated_at",)


class KeyStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[IngestKey]) -> QuerySet[IngestKey]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


_ISSUED_ATTR = "_leadhub_issued_key"


def _show_raw_key(request: HttpRequest, key: IngestKey, raw_key: str) -> None:
    """The one and only time a raw key is shown. It is never stored or logged."""
    messages.success(
        request,
        format_html(
            "New key for “{}” ({}): <code>{}</code> — copy it now, it will not be shown again.",
            key.name,
            key.get_source_display(),
            raw_key,
        ),
    )


@admin.register(IngestKey)
class IngestKeyAdmin(admin.ModelAdmin):
    """Keys are issued, rotated and revoked through the ingest-key services; the hash is never shown."""

    form = IngestKeyAdminForm
    list_display = (
        "name",
        "prefix_shown",
        "source",
        "created_at",
        "created_by",
        "last_used_at",
        "active",
        "revoked_at",
    )
    list_filter = (KeyStatusFilter, "source")
    list_select_related = ("created_by",)
    search_fields = ("name", "prefix")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    actions = ("rotate_keys", "revoke_keys")

    _detail_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")

    def get_fields(self, request: HttpRequest, obj: IngestKey | None = None) -> Any:
        if obj is None:
            return ("name", "source")
        return ("name", "source", *self._detail_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: IngestKey | None = None) -> Any:
        # A key's source decides where its events land; changing it means issuing another key.
        return () if obj is None else ("source", *self._detail_fields)

    def get_form(
        self,
        request: HttpRequest,
        obj: IngestKey | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.base_fields["name"].help_text = (
                "Who will send events with it, e.g. “Website” or “Product backend”. "
                "The key is generated when you save and shown once."
            )
        return form

    @admin.display(description="Key starts with", ordering="prefix")
    def prefix_shown(self, obj: IngestKey) -> str:
        return f"{obj.prefix}…"

    @admin.display(description="Active", boolean=True, ordering="revoked_at")
    def active(self, obj: IngestKey) -> bool:
        return obj.is_active

    def save_model(
        self, request: HttpRequest, obj: IngestKey, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        key, raw_key = ingest_key_create(
            name=form.cleaned_data["name"],
            source=form.cleaned_data["source"],
            created_by=request.user,
        )
        # The admin goes on with ``obj`` (log entry, redirect): make it the row just created.
        for field in key._meta.concrete_fields:
            setattr(obj, field.attname, getattr(key, field.attname))
        obj._state.adding = False
        setattr(request, _ISSUED_ATTR, (key, raw_key))

    def response_add(
        self, request: HttpRequest, obj: IngestKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        issued = getattr(request, _ISSUED_ATTR, None)
        if issued is not None:
            _show_raw_key(request, *issued)
        return super().response_add(request, obj, post_url_continue)

    @admin.action(
        description="Rotate selected keys (revoke and issue a replacement)", permissions=["change"]
    )
    def rotate_keys(self, request: HttpRequest, queryset: QuerySet[IngestKey]) -> None:
        for key in queryset:
            try:
                new_key, raw_key = ingest_key_rotate(key=key, actor=request.user)
            except IngestKeyError as exc:
                self.message_user(request, str(exc), messages.WARNING)
                continue
            _show_raw_key(request, new_key, raw_key)

    @admin.action(description="Revoke selected keys", permissions=["change"])
    def revoke_keys(self, request: HttpRequest, queryset: QuerySet[IngestKey]) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            ingest_key_revoke(key=key)
            count += 1
        self.message_user(
            request,
            f"{count} key(s) revoked; requests using them are now refused.",
            messages.SUCCESS,
        )
