"""Accounts, leads and stitched anonymous ids.

A lead's score columns are written by the scoring engine and its stage and claim by the SDR
actions (each move is logged as a stage transition), so the admin shows them read-only.
Edits are saved by ``services.accounts`` and ``services.leads``, which rescore the leads
an edit affects.
Related records that can grow without bound (a lead's events, an account's leads) are shown
as a capped, read-only list with a link to the full, filtered list.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from qualification.admin.base import ReadOnlyInline
from qualification.admin.forms import AccountAdminForm, LeadAdminForm
from qualification.core.vocabulary import ACCOUNT_ATTRIBUTES
from qualification.models import Account, AnonymousId, Event, Feedback, Lead, StageTransition
from qualification.services.accounts import account_save
from qualification.services.leads import lead_save
from qualification.services.rescore_requests import leads_mark_for_rescore

RECENT_EVENTS_SHOWN = 50
ACCOUNT_LEADS_SHOWN = 25

# Everything the engine writes; the admin never edits these.
SCORE_FIELDS = (
    "fit_score",
    "intent_score",
    "usage_score",
    "total_score",
    "tier",
    "qualification",
    "pql_kind",
    "queue",
    "qualified_at",
    "reasons",
    "breakdown",
    "disqualified_reasons",
    "last_signal_at",
    "scored_at",
    "needs_rescore",
    "rescore_requested_at",
)


def changelist_link(model: type, label: str, **filters: object) -> SafeString:
    """A link to the admin list of ``model`` filtered by ``filters``."""
    url = reverse(f"admin:qualification_{model._meta.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(filters), label)


class NamedValuesListFilter(admin.AllValuesFieldListFilter):
    """Django's filter by each stored value, with the blank value named: its link had no
    text at all (nothing to read aloud or to click)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            if choice["display"] == "":
                choice = {**choice, "display": "(blank)"}
            yield choice


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    change_list_template = "admin/qualification/change_list_csv.html"
    form = AccountAdminForm
    list_display = (*ACCOUNT_ATTRIBUTES, "lead_count")
    list_filter = (
        "plan",
        "business_model",
        ("country", NamedValuesListFilter),
        ("industry", NamedValuesListFilter),
    )
    search_fields = ("name", "domain")
    ordering = ("name",)
    date_hierarchy = "created_at"
    readonly_fields = ("recent_leads", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "domain", "industry", "employee_count", "country")}),
        ("Business", {"fields": ("business_model", "plan", "traits")}),
        ("Leads", {"fields": ("recent_leads",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def save_model(self, request: HttpRequest, obj: Account, form, change: bool) -> None:
        account_save(account=obj, changed_fields=form.changed_data)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return super().get_queryset(request).annotate(_lead_count=Count("leads"))

    @admin.display(description="Leads", ordering="_lead_count")
    def lead_count(self, obj: Account) -> int:
        return obj._lead_count

    @admin.display(description="Leads at this account")
    def recent_leads(self, obj: Account) -> SafeString | str:
        if obj.pk is None:
            return "—"
        leads = list(
            obj.leads.select_related("owner").order_by("-total_score", "-id")[
                : ACCOUNT_LEADS_SHOWN + 1
            ]
        )
        if not leads:
            return "No leads yet."
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> — {}, {} ({} points){}</li>',
            (
                (
                    reverse("admin:qualification_lead_change", args=[lead.pk]),
                    lead.display_name,
                    lead.get_stage_display(),
                    lead.get_tier_display(),
                    lead.total_score,
                    f", owner {lead.owner}" if lead.owner else "",
                )
                for lead in leads[:ACCOUNT_LEADS_SHOWN]
            ),
        )
        more = (
            changelist_link(Lead, "See all leads of this account", account__id__exact=obj.pk)
            if len(leads) > ACCOUNT_LEADS_SHOWN
            else ""
        )
        return format_html("<ul>{}</ul>{}", rows, more)


class StageTransitionInline(ReadOnlyInline):
    model = StageTransition
    fields = ("occurred_at", "from_stage", "to_stage", "cause", "criterion", "actor", "reason")
    ordering = ("-occurred_at", "-id")
    verbose_name_plural = "stage history"

    def get_queryset(self, request: HttpRequest) -> QuerySet[StageTransition]:
        return super().get_queryset(request).select_related("criterion", "actor", "lead")


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ("created_at", "outcome", "reason", "note", "author")
    readonly_fields = ("created_at",)
    ordering = ("-created_at", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Feedback]:
        return super().get_queryset(request).select_related("author", "lead")


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    change_list_template = "admin/qualification/change_list_csv.html"
    form = LeadAdminForm
    list_display = (
        "display_name",
        "email",
        "account",
        "stage",
        "tier",
        "total_score",
        "queue",
        "owner",
        "last_signal_at",
    )
    list_filter = (
        "queue",
        "stage",
        "tier",
        "qualification",
        "pql_kind",
        "needs_rescore",
        ("source", NamedValuesListFilter),
    )
    list_select_related = ("account", "owner")
    search_fields = (
        "email",
        "first_name",
        "last_name",
        "user_id",
        "account__name",
        "account__domain",
    )
    autocomplete_fields = ("account", "owner")
    date_hierarchy = "created_at"
    ordering = ("-tier", "-total_score", "-last_signal_at")
    readonly_fields = (
        "stage",
        "claimed_at",
        "first_touched_at",
        *SCORE_FIELDS,
        "recent_events",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("first_name", "last_name", "email", "user_id", "title", "account")}),
        ("Work", {"fields": ("stage", "owner", "claimed_at", "first_touched_at")}),
        (
            "Score (written by the scoring engine)",
            {
                "fields": (
                    ("total_score", "fit_score", "intent_score", "usage_score"),
                    ("tier", "qualification", "pql_kind", "queue"),
                    "reasons",
                    ("qualified_at", "last_signal_at", "scored_at"),
                    ("needs_rescore", "rescore_requested_at"),
                    "breakdown",
                    "disqualified_reasons",
                )
            },
        ),
        ("Source and ids", {"fields": ("source", "external_ids", "traits")}),
        ("Recent events", {"fields": ("recent_events",)}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (StageTransitionInline, FeedbackInline)
    actions = ("rescore_selected",)

    def save_model(self, request: HttpRequest, obj: Lead, form, change: bool) -> None:
        lead_save(lead=obj, changed_fields=form.changed_data)

    @admin.action(description="Rescore selected leads", permissions=["change"])
    def rescore_selected(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        """Ask the engine for fresh scores (e.g. after fixing an account's data)."""
        ids = leads_mark_for_rescore(lead_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, f"{len(ids)} lead(s) queued for rescoring.", messages.SUCCESS)

    @admin.display(description="Name", ordering="last_name")
    def display_name(self, obj: Lead) -> str:
        return obj.display_name

    @admin.display(description=f"Latest {RECENT_EVENTS_SHOWN} events")
    def recent_events(self, obj: Lead) -> SafeString | str:
        """A capped list: a lead may have thousands of events, an inline would load them all."""
        if obj.pk is None:
            return "—"
        events = list(obj.events.order_by("-occurred_at", "-id")[: RECENT_EVENTS_SHOWN + 1])
        if not events:
            return "No events yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
            (
                (
                    date_format(localtime(e.occurred_at), "Y-m-d H:i"),
                    e.name,
                    e.get_source_display(),
                    json.dumps(e.properties, ensure_ascii=False) if e.properties else "",
                )
                for e in events[:RECENT_EVENTS_SHOWN]
            ),
        )
        link = changelist_link(Event, "All events of this lead", lead__id__exact=obj.pk)
        return format_html(
            "<table><thead><tr><th>When</th><th>Event</th><th>Source</th><th>Properties</th>"
            "</tr></thead><tbody>{}</tbody></table><p>{}</p>",
            rows,
            link,
        )


@admin.register(AnonymousId)
class AnonymousIdAdmin(admin.ModelAdmin):
    list_display = ("anonymous_id", "lead", "created_at")
    list_select_related = ("lead",)
    search_fields = ("anonymous_id", "lead__email", "lead__user_id")
    autocomplete_fields = ("lead",)
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
