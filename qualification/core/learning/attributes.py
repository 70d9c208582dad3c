"""Lead and account attributes as the learner names them: where a value lives in
``LeadInputs`` (``lead.trait.occupation``), how it reads in a sentence ("Occupation"), which
attributes are identities rather than features, and the tally that decides an attribute's
kind (boolean, number or category) from the values the training leads hold.

Shared by the feature space (columns) and the new-criterion suggestions (sentences and
criterion paths), so a trait has one name in both.
"""

from __future__ import annotations

import math
from typing import Any

from qualification.core.scoring.conditions import is_missing, to_number

SKIPPED_ATTRIBUTES = {
    "lead": frozenset({"email", "first_name", "last_name", "name"}),
    "account": frozenset({"name", "domain"}),
}
SIDES = ("lead", "account")
TRAIT_PREFIX = "trait."
# Larger magnitudes count as this much: the spread squares the values, and 1e308 squared
# is infinite (a trait sent through ``identify`` can hold any number).
NUMBER_LIMIT = 1e100


def feature_number(value: Any) -> float | None:
    """A value as a number feature: finite and within ``NUMBER_LIMIT``; None for booleans,
    text that is not a number, infinities and NaN."""
    number = None if isinstance(value, bool) else to_number(value)
    if number is None or not math.isfinite(number):
        return None
    return max(-NUMBER_LIMIT, min(NUMBER_LIMIT, number))


def value_keys(value: Any) -> list[str]:
    """The categorical keys of a value: stripped, case-folded text; one per list item."""
    if isinstance(value, list | tuple | set):
        return [key for item in value for key in value_keys(item)]
    if isinstance(value, dict) or is_missing(value):
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value).strip().casefold()]


def attribute_label(side: str, attr: str) -> str:
    """ "Occupation" for lead trait ``trait.occupation``, "Account tier" for an account
    trait, "Employee count" for ``employee_count``."""
    trait = attr.startswith(TRAIT_PREFIX)
    name = attr[len(TRAIT_PREFIX) :] if trait else attr
    words = name.replace("_", " ").replace(".", " ").replace("-", " ").strip() or name
    if trait and side == "account":
        return f"Account {words.lower()}"
    return words[:1].upper() + words[1:]


def attribute_path(side: str, attr: str) -> str:
    """The scoring engine's path for an input attribute: ``lead.traits.occupation``."""
    if attr.startswith(TRAIT_PREFIX):
        return f"{side}.traits.{attr[len(TRAIT_PREFIX) :]}"
    return f"{side}.{attr}"


def input_attribute(path: str) -> tuple[str, str] | None:
    """The inverse of ``attribute_path``: ``("lead", "trait.occupation")``; None if not one."""
    side, _, rest = path.partition(".")
    if side not in SIDES or not rest:
        return None
    if rest.startswith("traits."):
        return side, TRAIT_PREFIX + rest[len("traits.") :]
    return side, rest


class _AttributeTally:
    """What ``fit`` learns about one attribute while reading the training leads."""

    __slots__ = ("all_bool", "all_number", "counts", "display", "numbers", "present", "weights")

    def __init__(self) -> None:
        self.present = 0
        self.all_bool = True
        self.all_number = True
        self.counts: dict[str, int] = {}
        self.display: dict[str, str] = {}
        self.numbers: list[float] = []
        self.weights: list[int] = []

    def add(self, value: Any, count: int = 1) -> None:
        """Tally ``count`` leads holding ``value``."""
        keys = value_keys(value)
        if not keys:
            return
        self.present += count
        if not isinstance(value, bool):
            self.all_bool = False
        number = feature_number(value)
        if number is None:
            self.all_number = False
        elif self.all_number:
            self.numbers.append(number)
            self.weights.append(count)
        for key in set(keys):
            self.counts[key] = self.counts.get(key, 0) + count
        if not isinstance(value, list | tuple | set):
            self.display.setdefault(keys[0], str(value).strip())
        else:
            for item in value:
                for key in value_keys(item):
                    self.display.setdefault(key, str(item).strip())
