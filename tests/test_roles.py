"""The migrations give every role exactly the permissions qualification.roles declares."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from qualification.roles import ROLE_PERMISSIONS, STAFF_ROLES, Role, editable_teams

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_group_has_exactly_the_declared_permissions(role):
    group = Group.objects.get(name=role.value)
    granted = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert granted == ROLE_PERMISSIONS[role]


def test_only_ops_may_touch_ingestion_keys_and_sdrs_edit_no_criteria():
    assert "qualification.view_ingestkey" in ROLE_PERMISSIONS[Role.OPS]
    for role in (Role.SDR, Role.MANAGER, Role.MARKETING, Role.PRODUCT):
        assert not any("ingestkey" in perm for perm in ROLE_PERMISSIONS[role])
    for role in (Role.SDR, Role.MANAGER):
        assert "qualification.change_criterion" not in ROLE_PERMISSIONS[role]
        assert role not in STAFF_ROLES


def test_editable_teams(make_user):
    assert editable_teams(make_user(Role.OPS)) is None
    assert editable_teams(make_user(Role.MARKETING)) == {"marketing"}
    assert editable_teams(make_user(Role.SDR)) == set()


SLA_RULES = ("slapolicy", "businesscalendar", "holiday", "sdrteam")


def test_only_ops_edit_the_sla_rules():
    for model in SLA_RULES:
        for action in ("add", "change", "delete", "view"):
            assert f"qualification.{action}_{model}" in ROLE_PERMISSIONS[Role.OPS]
    for role in (Role.SDR, Role.MANAGER, Role.MARKETING, Role.PRODUCT):
        for model in SLA_RULES:
            assert f"qualification.view_{model}" in ROLE_PERMISSIONS[role]
            for action in ("add", "change", "delete"):
                assert f"qualification.{action}_{model}" not in ROLE_PERMISSIONS[role]


def test_criteria_health_is_for_ops_managers_marketing_and_product_and_only_ops_recalibrate():
    from qualification.roles import Perm

    for role in (Role.OPS, Role.MANAGER, Role.MARKETING, Role.PRODUCT):
        assert Perm.VIEW_CRITERIA_HEALTH in ROLE_PERMISSIONS[role]
    assert Perm.VIEW_CRITERIA_HEALTH not in ROLE_PERMISSIONS[Role.SDR]
    assert {role for role in Role if Perm.RUN_RECALIBRATION in ROLE_PERMISSIONS[role]} == {Role.OPS}
    # The migrations granted them (0026 syncs the groups after 0024 declared them).
    ops = Group.objects.get(name=Role.OPS.value)
    assert ops.permissions.filter(codename="run_recalibration").exists()
    sdr = Group.objects.get(name=Role.SDR.value)
    assert not sdr.permissions.filter(codename="view_criteria_health").exists()
