"""How the SDR desk responds to a newly qualified lead: who takes it, when, and how it ends.

Pure and seeded, like the rest of the generator. The point is a believable SLA story:

- each rep has a pace (``people.PACE``) and works their own hours (08:30-18:00 where they
  live, weekdays, never on the company's holidays), so a lead that qualifies on a Thursday
  evening before a day off waits until Monday;
- a response that would happen after ``now`` has not happened yet: the lead is still
  unclaimed or untouched, and its clock is running (in warning, or overdue, by now);
- how fast a lead was reached changes how it ends: the response-time band picks the odds
  that sales accepts it, so the dashboard's band-versus-conversion table has a real effect;
- so does who the person is (``history.buyer_quality``), so the criteria health page has
  real drivers to find.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from qualification.core.sla import band_for
from qualification.devdata.demo.people import DEMO_USERS, PACE

ZONES = {user.username: ZoneInfo(user.timezone) for user in DEMO_USERS}
WORK_START, WORK_END = time(8, 30), time(18, 0)
# Response band (wall-clock minutes from qualification to first touch) -> chance that
# sales accepts the lead (an SQL). Answering within minutes makes it about five times as
# likely as answering after an hour (HBR found nearly seven times for within the hour).
SQL_CHANCE = {"0-5": 0.8, "5-15": 0.6, "15-60": 0.4, "60+": 0.15}
POOL_AGE, POOL_SHARE = timedelta(hours=36), 0.35
# An action is only history once it is this far in the past.
SETTLED = timedelta(minutes=2)


class Desk:
    """Hands out leads in turn and times what each rep did, all relative to ``now``."""

    def __init__(
        self, now: datetime, sdrs: Sequence[str], rng: random.Random, days_off: set[date]
    ) -> None:
        self.now = now
        self.sdrs = list(sdrs)
        self.rng = rng
        self.days_off = days_off
        self.turn = 0
        self.credit: dict[str, float] = {}

    def next_owner(self) -> str:
        owner = self.sdrs[self.turn % len(self.sdrs)]
        self.turn += 1
        return owner

    def working(self, moment: datetime, owner: str) -> datetime:
        """The moment, or the rep's next working morning when they are off at that moment."""
        zone = ZONES[owner]
        local = moment.astimezone(zone)
        if self._works(local.date()) and WORK_START <= local.time() <= WORK_END:
            return moment
        day = local.date() + timedelta(days=0 if local.time() < WORK_START else 1)
        while not self._works(day):
            day += timedelta(days=1)
        start = datetime.combine(day, time(8, 45), tzinfo=zone)
        return start + timedelta(minutes=self.rng.uniform(0, 75))

    def _works(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    def waiting(self, qualified_at: datetime) -> bool:
        """Whether a lead that qualified recently is still waiting in the unassigned pool
        (about a third of those from the last day and a half: the desk is busy)."""
        recent = self.now - qualified_at < POOL_AGE
        return recent and self.rng.random() < POOL_SHARE

    def respond(
        self, qualified_at: datetime, owner: str
    ) -> tuple[datetime | None, datetime | None]:
        """(claimed_at, first_touched_at) for a lead the rep takes; None where not yet."""
        pace = PACE[owner]
        if self.rng.random() < pace.instant:
            claim, touch = self.rng.uniform(0.5, 3), self.rng.uniform(0.5, 2.5)
        else:
            claim, touch = self.rng.uniform(*pace.claim), self.rng.uniform(*pace.touch)
        claimed = self.working(qualified_at + timedelta(minutes=claim), owner)
        touched = self.working(claimed + timedelta(minutes=touch), owner)
        if claimed > self.now - SETTLED:
            return None, None
        return claimed, (touched if touched <= self.now - SETTLED else None)

    def later(self, after: datetime, days: tuple[float, float], owner: str) -> datetime | None:
        """A follow-up some days after ``after`` in the rep's hours; None if still ahead."""
        at = self.working(after + timedelta(days=self.rng.uniform(*days)), owner)
        return at if at <= self.now - SETTLED else None

    def accepted(self, qualified_at: datetime, touched_at: datetime, quality: float = 1.0) -> bool:
        """Whether sales accepts the lead, given how long it waited for its first touch and
        how good a buyer the person is (``quality`` multiplies the band's chance).

        Systematic sampling per band: each lead adds its chance to the band's credit and is
        accepted when the credit passes a whole lead. A band of 30 leads then accepts its
        expected share to within one lead, so the band effect shows whatever hour the demo
        loads (coin flips swung a band by +-9 points); a likelier lead is still likelier
        to be the one accepted."""
        band = band_for((touched_at - qualified_at).total_seconds() / 60).key
        credit = self.credit.get(band, self.rng.random()) + min(0.95, SQL_CHANCE[band] * quality)
        accept = credit >= 1
        self.credit[band] = credit - accept
        return accept
