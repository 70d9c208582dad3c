"""Users with their LeadHub profile (team, timezone) and roles.

Ops manage users and assign roles (groups), but cannot grant superuser status or single
permissions, nor edit a superuser: only a superuser can widen what an account may do beyond
the five roles.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest

from qualification.admin.forms import LeadHubModelForm
from qualification.models import UserProfile

User = get_user_model()


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    fields = ("team", "timezone")
    can_delete = False
    max_num = 1
    extra = 1
    verbose_name_plural = "LeadHub profile"


class LeadHubUserAdmin(UserAdmin):
    inlines = (UserProfileInline,)
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "roles",
        "team",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_select_related = ("profile",)
    list_filter = ("groups", "profile__team", "is_staff", "is_active", "is_superuser")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("groups")

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list:
        # The add page is Django's two-step user creation; the profile comes on the next step.
        return [] if obj is None else super().get_inline_instances(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # When someone last signed in and joined is Django's record, never typed (and its
        # split date/time inputs had no labels).
        readonly = (*super().get_readonly_fields(request, obj), "last_login", "date_joined")
        if not request.user.is_superuser:
            readonly += ("is_superuser", "user_permissions")
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="Roles")
    def roles(self, obj: AbstractBaseUser) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    @admin.display(description="Team", ordering="profile__team")
    def team(self, obj: AbstractBaseUser) -> str:
        try:
            return obj.profile.get_team_display() or "—"
        except ObjectDoesNotExist:
            return "—"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, LeadHubUserAdmin)


class UserProfileAdminForm(LeadHubModelForm):
    class Meta:
        model = UserProfile
        fields = ("user", "team", "timezone")


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    form = UserProfileAdminForm
    list_display = ("user", "team", "timezone")
    list_filter = ("team", "timezone")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    ordering = ("user__username",)
