"""The people in the demo: one login per role (plus extra SDRs and a second manager), their
two SDR teams, how fast each rep works, and the pools lead names are drawn from.

Users sit in different time zones so that SLA clocks and "time ago" displays can be seen
working across zones. Lead names are a broad mix so the queues look like a real inbox.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from qualification.roles import Role

DEFAULT_PASSWORD = "leadhub-demo"


def demo_password() -> str:
    """The demo password: DEMO_PASSWORD when set (e.g. on a shared machine), else the default."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    timezone: str

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.com".lower()


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("sdr", Role.SDR, "Sofia", "Becker", "Europe/Berlin"),
    DemoUser("sdr2", Role.SDR, "Marcus", "Lee", "America/New_York"),
    DemoUser("sdr3", Role.SDR, "Priya", "Nair", "Europe/London"),
    DemoUser("sdr4", Role.SDR, "Jonas", "Richter", "Europe/Berlin"),
    DemoUser("ops", Role.OPS, "Olivia", "Grant", "America/Chicago"),
    DemoUser("manager", Role.MANAGER, "Daniel", "Okafor", "America/New_York"),
    DemoUser("manager2", Role.MANAGER, "Hannah", "Vogel", "Europe/Berlin"),
    DemoUser("marketing", Role.MARKETING, "Emma", "Laurent", "Europe/Paris"),
    DemoUser("product", Role.PRODUCT, "Kenji", "Watanabe", "Europe/Amsterdam"),
)
SDR_USERNAMES = tuple(u.username for u in DEMO_USERS if u.role == Role.SDR)


@dataclass(frozen=True)
class DemoTeam:
    name: str
    manager: str  # username
    members: tuple[str, ...]
    timezone: str


# Two pods, each with a manager who hears about its warnings and breaches.
DEMO_TEAMS: tuple[DemoTeam, ...] = (
    DemoTeam("Inbound DACH", "manager2", ("sdr", "sdr4"), "Europe/Berlin"),
    DemoTeam("Inbound International", "manager", ("sdr2", "sdr3"), "America/New_York"),
)


@dataclass(frozen=True)
class Pace:
    """How quickly a rep reaches a new lead: wall-clock minutes, within their working hours.

    ``instant`` is the share of leads they catch within minutes (a notification open on the
    desk); the rest wait a claim delay and then a touch delay drawn from these ranges.
    """

    instant: float
    claim: tuple[float, float]
    touch: tuple[float, float]


# Marcus works from New York on Berlin business hours and batches his queue twice a day:
# the one rep whose first touches come late, so the dashboard has something to show.
PACE: dict[str, Pace] = {
    "sdr": Pace(instant=0.4, claim=(2, 12), touch=(1, 8)),
    "sdr2": Pace(instant=0.05, claim=(60, 300), touch=(20, 180)),
    "sdr3": Pace(instant=0.3, claim=(3, 20), touch=(2, 15)),
    "sdr4": Pace(instant=0.3, claim=(3, 25), touch=(2, 20)),
}
SLOW_REP = "sdr2"

FIRST_NAMES = (
    "Aisha", "Alex", "Amara", "Ana", "Andre", "Anna", "Ben", "Carlos", "Chen", "Chloe",
    "Daniel", "David", "Elena", "Emily", "Erik", "Fatima", "Felix", "Grace", "Hannah", "Hiro",
    "Isabel", "Jack", "James", "Jana", "Javier", "Julia", "Kai", "Karin", "Laura", "Leon",
    "Liam", "Lucas", "Maya", "Mehmet", "Mia", "Nadia", "Noah", "Nora", "Oliver", "Omar",
    "Paul", "Rafael", "Rosa", "Ruth", "Sam", "Sara", "Sean", "Sophie", "Tariq", "Thomas",
    "Tom", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zoe", "Ingrid", "Lars", "Marta",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Ahmed", "Andersson", "Baker", "Bauer", "Bernard", "Brown", "Byrne", "Castillo",
    "Chen", "Clarke", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Hoffmann",
    "Hughes", "Jansen", "Johnson", "Kaur", "Kelly", "Kim", "Klein", "Kowalski", "Larsen",
    "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nguyen", "Nielsen", "O'Brien", "Park",
    "Patel", "Petit", "Rossi", "Santos", "Schmidt", "Schneider", "Silva", "Singh", "Smith",
    "Svensson", "Taylor", "Thompson", "Visser", "Wagner", "Walsh", "Weber", "Williams",
    "Wilson", "Wright", "Young", "Zimmermann", "de Vries", "Novak", "Haddad",
)  # fmt: skip

# role -> [(title, seniority)], most common first.
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "revenue_operations": (
        ("Revenue Operations Manager", "manager"),
        ("Sales Operations Analyst", "individual"),
        ("Director of Revenue Operations", "director"),
        ("VP Revenue Operations", "vp"),
    ),
    "sales": (
        ("Account Executive", "individual"),
        ("Sales Manager", "manager"),
        ("Head of Sales", "director"),
        ("VP Sales", "vp"),
        ("Chief Revenue Officer", "c_level"),
    ),
    "marketing": (
        ("Marketing Manager", "manager"),
        ("Demand Generation Manager", "manager"),
        ("Growth Marketer", "individual"),
        ("Director of Marketing", "director"),
        ("CMO", "c_level"),
    ),
    "data": (
        ("Data Analyst", "individual"),
        ("Analytics Engineer", "individual"),
        ("Head of Data", "director"),
    ),
    "engineering": (
        ("Software Engineer", "individual"),
        ("Engineering Manager", "manager"),
        ("CTO", "c_level"),
    ),
    "product": (("Product Manager", "manager"), ("Head of Product", "director")),
    "customer_success": (
        ("Customer Success Manager", "manager"),
        ("VP Customer Success", "vp"),
    ),
    "finance": (("Financial Analyst", "individual"), ("CFO", "c_level")),
    "founder": (("Founder & CEO", "c_level"), ("Co-founder", "c_level")),
}
# How often each role shows up among leads at a company.
ROLE_WEIGHTS: dict[str, int] = {
    "revenue_operations": 16,
    "sales": 20,
    "marketing": 20,
    "data": 10,
    "engineering": 12,
    "product": 8,
    "customer_success": 8,
    "finance": 4,
    "founder": 2,
}
