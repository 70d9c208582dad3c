"""A lead's SLA state read from its STORED clock, not recomputed from its policy.

The queue cell, the SLA filter, the SLA sort and the alert scan must agree about a lead. The
filter, the sort and the scan compare the stored ``sla_warn_at``/``sla_due_at`` columns with
``now`` in the database, so the cell reads the same two moments with the same comparisons:
due at 10:00 is overdue at 10:00 (``now >= due_at``), warning from ``warn_at`` on. Were the
cell to recompute the clock from the policy, a policy edit not yet refreshed into the stored
columns would make a row say "Overdue" that the Overdue filter does not list.

The policy's spec is still taken, for what only it knows: how many BUSINESS minutes are left
or overdue. Without a spec (the policy was removed and the refresh has not cleared the clock
yet) those minutes fall back to wall-clock minutes, so the state is still right.
"""

from __future__ import annotations

import math
from datetime import datetime

from qualification.core.sla.clock import SLASpec, SLAState, State, business_minutes_between


def _wall_minutes(start: datetime, end: datetime) -> int:
    """Wall-clock minutes from ``start`` to ``end``, rounded up like the business minutes
    left (10.5 minutes left is not yet "10 left"); 0 when ``end`` is not later."""
    seconds = (end - start).total_seconds()
    return max(0, math.ceil(seconds / 60))


def missed_at_stop(due_at: datetime | None, stopped_at: datetime | None) -> bool:
    """Whether a clock that stopped untouched had already passed its deadline (a miss).

    The dashboard's "missed" makes the same comparison in SQL (``selectors.dashboard.sla``).
    """
    return due_at is not None and stopped_at is not None and due_at < stopped_at


def stored_state(
    *,
    warn_at: datetime | None,
    due_at: datetime | None,
    touched_at: datetime | None,
    met: bool | None,
    now: datetime,
    spec: SLASpec | None,
    stopped_at: datetime | None = None,
) -> SLAState:
    """The state of a stored clock at ``now``.

    ``met`` is what the first touch recorded (``Lead.sla_met``); a touch recorded before that
    column existed (``None``) is judged by the stored deadline. No stored deadline means no
    clock runs: no policy, or one that starts at assignment on an unowned lead. Nor does
    one that stopped untouched (``stopped_at``: the lead left the SDR queues).
    """
    if due_at is None or (touched_at is None and stopped_at is not None):
        return SLAState("none")
    warn = warn_at or due_at
    if touched_at is not None:
        in_time = met if met is not None else touched_at < due_at
        touched: State = "met" if in_time else "breached"
        return SLAState(touched, due_at, None, warn)
    if now >= due_at:
        late = (
            business_minutes_between(due_at, now, spec)
            if spec is not None
            else int((now - due_at).total_seconds() // 60)
        )
        return SLAState("breached", due_at, -late, warn)
    left = (
        business_minutes_between(now, due_at, spec, round_up=True)
        if spec is not None
        else _wall_minutes(now, due_at)
    )
    return SLAState("warning" if now >= warn else "ok", due_at, left, warn)
