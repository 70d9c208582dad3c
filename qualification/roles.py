"""The five roles and what each may do, as Django groups and permissions.

The data migration creates the groups from ROLE_PERMISSIONS; views and the navigation
check the same permission codenames, so the server is the single place roles are enforced.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SDR = "SDR"
    OPS = "Ops"
    MANAGER = "Manager"
    MARKETING = "Marketing"
    PRODUCT = "Product"


APP = "qualification"


class Perm(StrEnum):
    """LeadHub's own permissions (declared on ``Lead.Meta``), as ``has_perm`` strings.

    Views, services, tables, the navigation and the REST API check these members, never a
    spelled-out string, so a permission has one name everywhere.
    """

    # Look at the queues and lead pages (every role); working them needs WORK_QUEUE.
    VIEW_LEADS = f"{APP}.view_lead"
    WORK_QUEUE = f"{APP}.work_queue"
    ASSIGN_LEAD = f"{APP}.assign_lead"
    VIEW_MANAGER_DASHBOARD = f"{APP}.view_manager_dashboard"
    # Declared on CriteriaVersion.Meta: publish (and approve) a criteria draft.
    PUBLISH_CRITERIA = f"{APP}.publish_criteriaversion"
    # Make a criteria draft (edit it: the criterion and policy permissions, team-checked).
    DRAFT_CRITERIA = f"{APP}.add_criteriaversion"
    # Declared on Recalibration.Meta: the criteria health page, and running a recalibration.
    VIEW_CRITERIA_HEALTH = f"{APP}.view_criteria_health"
    RUN_RECALIBRATION = f"{APP}.run_recalibration"

    @property
    def codename(self) -> str:
        """``work_queue``: the name stored on the Permission row."""
        return self.value.split(".", 1)[1]


_ALL_MODELS = (
    "account",
    "lead",
    "anonymousid",
    "event",
    "eventtype",
    "glossaryterm",
    "criterion",
    "qualificationpolicy",
    "criteriaversion",
    "criteriapreview",
    "stagetransition",
    "feedback",
    "leadactivity",
    "slapolicy",
    "businesscalendar",
    "holiday",
    "sdrteam",
    "slaalert",
    "messagetemplate",
    "ingestkey",
    "apitoken",
    "userprofile",
    "leadsnapshot",
    "recalibration",
    "autopublishbounds",
)


def _view(*models: str) -> set[str]:
    return {f"{APP}.view_{m}" for m in models}


def _crud(*models: str) -> set[str]:
    return {f"{APP}.{action}_{m}" for m in models for action in ("add", "change", "delete", "view")}


_READ_ALL = _view(*_ALL_MODELS) - {f"{APP}.view_ingestkey", f"{APP}.view_apitoken"}

# Roles that edit anything in the admin are staff; SDRs and managers work in the dashboard.
STAFF_ROLES = frozenset({Role.OPS, Role.MARKETING, Role.PRODUCT})

ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.SDR: _READ_ALL
    | {
        Perm.WORK_QUEUE,
        f"{APP}.add_feedback",
        f"{APP}.add_stagetransition",
    },
    Role.MANAGER: _READ_ALL
    | {
        Perm.WORK_QUEUE,
        Perm.ASSIGN_LEAD,
        Perm.VIEW_MANAGER_DASHBOARD,
        Perm.VIEW_CRITERIA_HEALTH,
        f"{APP}.add_feedback",
        f"{APP}.add_stagetransition",
    },
    Role.OPS: _crud(
        "account",
        "lead",
        "anonymousid",
        "event",
        "eventtype",
        "glossaryterm",
        "criterion",
        "qualificationpolicy",
        "criteriaversion",
        "slapolicy",
        "businesscalendar",
        "holiday",
        "sdrteam",
        "messagetemplate",
        "ingestkey",
        "apitoken",
        "userprofile",
    )
    | _view(
        "stagetransition",
        "feedback",
        "leadactivity",
        "criteriapreview",
        "slaalert",
        "notificationdelivery",
    )
    | {
        Perm.PUBLISH_CRITERIA,
        f"{APP}.add_criteriapreview",
        Perm.VIEW_MANAGER_DASHBOARD,
        Perm.VIEW_CRITERIA_HEALTH,
        Perm.RUN_RECALIBRATION,
        f"{APP}.view_leadsnapshot",
        f"{APP}.view_recalibration",
        # the bounds within which a recalibration publishes points by itself (one row)
        f"{APP}.view_autopublishbounds",
        f"{APP}.add_autopublishbounds",
        f"{APP}.change_autopublishbounds",
        Perm.ASSIGN_LEAD,
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
        "django_celery_beat.view_crontabschedule",
        "django_celery_beat.add_crontabschedule",
        "django_celery_beat.change_crontabschedule",
    },
    # Marketing and Product read everything and edit the terms and criteria their team owns
    # (ownership is checked per object in the admin).
    Role.MARKETING: _READ_ALL
    | {
        f"{APP}.add_glossaryterm",
        f"{APP}.change_glossaryterm",
        f"{APP}.add_criterion",
        f"{APP}.change_criterion",
        Perm.DRAFT_CRITERIA,
        f"{APP}.add_criteriapreview",
        Perm.VIEW_CRITERIA_HEALTH,
    },
    Role.PRODUCT: _READ_ALL
    | {
        f"{APP}.add_glossaryterm",
        f"{APP}.change_glossaryterm",
        f"{APP}.add_criterion",
        f"{APP}.change_criterion",
        Perm.DRAFT_CRITERIA,
        f"{APP}.add_criteriapreview",
        Perm.VIEW_CRITERIA_HEALTH,
    },
}

# The team whose terms and criteria a role may edit (None: any team).
ROLE_TEAM: dict[Role, str | None] = {
    Role.OPS: None,
    Role.MARKETING: "marketing",
    Role.PRODUCT: "product",
}


def roles_of(user) -> set[Role]:
    """The roles a user holds (superusers hold all)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Role)
    names = {g.name for g in user.groups.all()}
    return {role for role in Role if role.value in names}


def roles_with(perm: str) -> list[Role]:
    """The roles that hold ``perm``, in ``Role`` order (the 403 page names them)."""
    return [role for role in Role if perm in ROLE_PERMISSIONS[role]]


def editable_teams(user) -> set[str] | None:
    """Teams whose terms and criteria the user may edit; None means every team."""
    teams: set[str] = set()
    for role in roles_of(user):
        if role in ROLE_TEAM:
            team = ROLE_TEAM[role]
            if team is None:
                return None
            teams.add(team)
    return teams


def sync_role_groups(group_model, permission_model, *, strict: bool = True) -> None:
    """Create or update the five groups with exactly ROLE_PERMISSIONS.

    Takes the models as arguments so data migrations can pass their historical ones;
    tests and the demo pass django.contrib.auth's. Strict (the default) raises when a
    permission is missing, so a typo fails loudly instead of granting less than intended.
    Migrations run it non-strict: a model added by a later migration has no permissions
    yet, and the migration that adds it syncs again.
    """
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role.value)
        wanted = []
        for perm in sorted(perms):
            app_label, codename = perm.split(".", 1)
            found = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if found is None:
                if not strict:
                    continue
                raise RuntimeError(f"Permission {perm} does not exist; fix qualification.roles.")
            wanted.append(found)
        group.permissions.set(wanted)


def sync_role_groups_for_migration(apps) -> None:
    """What a data migration runs after adding models or permissions the roles use."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    sync_role_groups(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), strict=False
    )
