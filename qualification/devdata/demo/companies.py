"""Demo accounts: a believable spread of companies, most inside the ICP, some clearly outside.

Pure: takes a seeded ``random.Random`` and returns plain dataclasses. The mix is fixed by
``SEGMENTS`` so every disqualifier and every fit criterion has accounts to act on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from qualification.devdata.demo import vocabulary as v
from qualification.models.choices import BusinessModel

NAME_HEADS = (
    "Acorn", "Amber", "Arbor", "Atlas", "Beacon", "Birch", "Blue Harbor", "Brightline",
    "Cedar", "Cobalt", "Copper", "Crescent", "Driftwood", "Ember", "Evergreen", "Fathom",
    "Fieldstone", "Foxglove", "Granite", "Halcyon", "Harbor", "Heron", "Ironwood", "Juniper",
    "Keystone", "Lantern", "Larkspur", "Lighthouse", "Maple", "Meridian", "Northwind",
    "Oakridge", "Orchard", "Pinecrest", "Quarry", "Redwood", "Ridgeline", "Saltmarsh",
    "Silverline", "Skylark", "Stonebridge", "Summit", "Tidewater", "Timberline", "Waypoint",
    "Willow", "Wren", "Zephyr",
)  # fmt: skip
NAME_TAILS: dict[str, tuple[str, ...]] = {
    "Software": ("Labs", "Software", "Cloud", "Systems", "HQ"),
    "Financial services": ("Capital", "Finance", "Payments", "Lending"),
    "E-commerce": ("Commerce", "Goods", "Supply", "Market"),
    "Marketing agency": ("Agency", "Creative", "Growth Partners", "Media"),
    "Professional services": ("Consulting", "Advisory", "Partners", "Group"),
    "Healthcare technology": ("Health", "Care", "Medical", "Bio"),
    "Construction": ("Builders", "Construction", "Contracting"),
    "Logistics": ("Logistics", "Freight", "Shipping"),
    "Manufacturing": ("Manufacturing", "Industries", "Works"),
    "Nonprofit": ("Foundation", "Trust", "Alliance"),
    "Consumer retail": ("Home", "Outfitters", "Boutique"),
    "Fitness": ("Fitness", "Studios", "Athletics"),
    "Restaurants": ("Kitchen", "Eatery", "Bakery"),
    "Travel": ("Travel", "Getaways", "Journeys"),
}
TLDS = {"US": "com", "CA": "ca", "GB": "co.uk", "IE": "ie", "DE": "de", "FR": "fr", "NL": "nl",
        "SE": "se", "DK": "dk", "ES": "es", "AU": "com.au", "BR": "com.br", "IN": "in",
        "ZA": "co.za", "JP": "jp", "MX": "mx"}  # fmt: skip
CITIES = {"US": ("Austin", "Boston", "Chicago", "Denver", "Seattle"), "CA": ("Toronto", "Vancouver"),
          "GB": ("London", "Manchester"), "IE": ("Dublin", "Cork"), "DE": ("Berlin", "Munich"),
          "FR": ("Paris", "Lyon"), "NL": ("Amsterdam", "Utrecht"), "SE": ("Stockholm",),
          "DK": ("Copenhagen",), "ES": ("Madrid", "Barcelona"), "AU": ("Sydney", "Melbourne"),
          "BR": ("São Paulo",), "IN": ("Bengaluru", "Pune"), "ZA": ("Cape Town",),
          "JP": ("Tokyo", "Osaka"), "MX": ("Mexico City",)}  # fmt: skip
# Served countries weighted like a US-and-Europe go-to-market.
SERVED_WEIGHTS = (34, 6, 14, 4, 12, 7, 7, 4, 3, 4, 5)
TECH = ("slack", "snowflake", "google_workspace", "microsoft_365", "zendesk", "segment",
        "looker", "jira", "notion", "stripe")  # fmt: skip
FUNDING = ("Bootstrapped", "Seed", "Series A", "Series B", "Series C", "Public", "Private equity")


@dataclass
class AccountSeed:
    """One company, as the CRM enrichment would describe it."""

    name: str
    domain: str
    industry: str
    employee_count: int
    country: str
    business_model: str
    segment: str
    plan: str = "none"  # set by the journeys the account's people follow
    traits: dict[str, Any] = field(default_factory=dict)

    @property
    def utc_offset(self) -> float:
        return v.UTC_OFFSET_HOURS.get(self.country, 0)


# segment -> (how many, industries, (min, max) employees, countries, business model)
SEGMENTS: tuple[tuple[str, int, tuple[str, ...], tuple[int, int], tuple[str, ...], str], ...] = (
    ("icp", 70, v.ICP_INDUSTRIES, (50, 5000), v.SERVED_COUNTRIES, BusinessModel.B2B),
    ("enterprise", 6, v.ICP_INDUSTRIES, (6000, 40000), ("US", "GB", "DE"), BusinessModel.B2B),
    ("startup", 12, v.ICP_INDUSTRIES, (10, 49), v.SERVED_COUNTRIES, BusinessModel.B2B),
    ("tiny", 8, v.ICP_INDUSTRIES + v.OTHER_B2B_INDUSTRIES, (2, 9), v.SERVED_COUNTRIES, BusinessModel.B2B),
    ("off_industry", 6, v.OTHER_B2B_INDUSTRIES, (80, 3000), v.SERVED_COUNTRIES, BusinessModel.B2B),
    ("consumer", 10, v.B2C_INDUSTRIES, (15, 2000), v.SERVED_COUNTRIES, BusinessModel.B2C),
    ("unserved", 10, v.ICP_INDUSTRIES, (40, 3000), v.UNSERVED_COUNTRIES, BusinessModel.B2B),
)  # fmt: skip


def _employees(rng: random.Random, low: int, high: int) -> int:
    """Log-uniform: many more 80-person companies than 4,000-person ones, as in real pipelines."""
    return round(low * (high / low) ** rng.random())


def _country(rng: random.Random, countries: tuple[str, ...]) -> str:
    if countries == v.SERVED_COUNTRIES:
        return rng.choices(countries, weights=SERVED_WEIGHTS)[0]
    return rng.choice(countries)


def _traits(rng: random.Random, country: str, employees: int) -> dict[str, Any]:
    crm = rng.choices(["salesforce", "hubspot", "pipedrive", "none"], weights=[40, 35, 10, 15])[0]
    tech = sorted(rng.sample(TECH, rng.randint(2, 5)) + ([] if crm == "none" else [crm]))
    traits: dict[str, Any] = {
        "crm": crm,
        "tech": tech,
        "hq_city": rng.choice(CITIES[country]),
        "founded": rng.randint(1998 if employees > 1000 else 2008, 2023),
        "funding": rng.choice(FUNDING[:3] if employees < 50 else FUNDING[1:]),
    }
    if crm == "none":
        del traits["crm"]  # enrichment found nothing: the trait is missing, not "none"
    return traits


def generate_accounts(rng: random.Random) -> list[AccountSeed]:
    """About 120 companies plus the two competitors, with unique names and domains."""
    accounts: list[AccountSeed] = []
    used: set[str] = set()
    for segment, count, industries, (low, high), countries, model in SEGMENTS:
        for _ in range(count):
            industry = rng.choice(industries)
            country = _country(rng, countries)
            while True:
                name = f"{rng.choice(NAME_HEADS)} {rng.choice(NAME_TAILS[industry])}"
                slug = name.lower().replace(" ", "")
                domain = f"{slug}.{'io' if industry == 'Software' and rng.random() < 0.4 else TLDS[country]}"
                if name not in used and domain not in used:
                    used.update({name, domain})
                    break
            employees = _employees(rng, low, high)
            accounts.append(
                AccountSeed(
                    name=name,
                    domain=domain,
                    industry=industry,
                    employee_count=employees,
                    country=country,
                    business_model=model,
                    segment=segment,
                    traits=_traits(rng, country, employees),
                )
            )
    for domain, name, employees in (
        (v.COMPETITOR_DOMAINS[0], "Pipewise", 180),
        (v.COMPETITOR_DOMAINS[1], "LeadLens", 320),
    ):
        accounts.append(
            AccountSeed(
                name=name,
                domain=domain,
                industry="Software",
                employee_count=employees,
                country="US",
                business_model=BusinessModel.B2B,
                segment="competitor",
                traits=_traits(rng, "US", employees),
            )
        )
    return accounts
