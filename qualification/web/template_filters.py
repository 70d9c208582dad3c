"""Template filters every page may use (registered as builtins in the settings).

They are the template side of definitions that live elsewhere, so a template never spells
a person's name or a tier's class out for itself.
"""

from __future__ import annotations

from django import template

from qualification.core.params import whole_number_or_none
from qualification.core.vocabulary import tier_name
from qualification.models import user_display_name
from qualification.roles import roles_with

register = template.Library()


@register.filter(name="person")
def person(user) -> str:
    """``{{ lead.owner|person }}``: full name, else the username ("" for nobody)."""
    return user_display_name(user) if user else ""


@register.filter(name="tier_name")
def tier_name_filter(tier: int | str | None) -> str:
    """``tier-{{ lead.tier|tier_name }}``: the tier's CSS name (hot, warm, cool, cold)."""
    return tier_name(tier if isinstance(tier, int) else whole_number_or_none(str(tier)))


@register.filter(name="roles_with_access")
def roles_with_access(permission: str) -> list[str]:
    """``{{ exception|roles_with_access }}`` on the 403 page: the roles holding the
    permission a refusal names (``web.access``); empty for any other refusal."""
    return [role.value for role in roles_with(str(permission))] if permission else []


@register.filter(name="lockout_minutes")
def lockout_minutes(cool_off) -> str:
    """A login lock-out's length as said to the person locked out: "15 minutes"."""
    if cool_off is None:
        return "a while"
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


@register.filter(name="pct_class")
def pct_class(value) -> str:
    """``class="bar {{ bucket.percent|pct_class }}"``: ``pct-37``, which sets ``--pct: 37%``
    (static/css/pct.css). A bar's width is a class, not a ``style`` attribute, because the
    Content-Security-Policy allows no inline styles. Rounded and held to 0-100."""
    try:
        number = round(float(value))
    except (TypeError, ValueError):
        number = 0
    return f"pct-{max(0, min(100, number))}"
