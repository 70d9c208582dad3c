"""Rescoring leads: read their signals, run the pure engine, store what changed.

To *ask* for a rescore (after a write that changes what a score reads) use
``qualification.services.rescore_requests``; this package is what the worker, the
``rescore`` command and the benchmark run. Its modules, in the order a batch meets them:

- ``orchestration``: ``lead_rescore``, ``lead_rescore_all``, ``leads_rescore_nightly``
  the table maintenance after a large rewrite, and ``publication_rescore``, which applies
  a newly published criteria version. Start here.
- ``batch``: one batch's results as rows, digests, transitions and reason summaries.
- ``writes``: one batch stored in one commit.
- ``pipeline``: the reader and writer threads a full rescore uses on PostgreSQL.
- ``report``: ``RescoreReport``, what a run did.

Reads live in ``qualification.selectors`` (``signals``, ``aggregation``,
``scoring_specs``, ``rescoring``); the PostgreSQL fast paths in ``qualification.db``.
"""

from qualification.services.rescoring.batch import reasons_summary
from qualification.services.rescoring.orchestration import (
    DEFAULT_BATCH_SIZE,
    lead_rescore,
    lead_rescore_all,
    lead_table_maintain,
    leads_rescore_nightly,
    publication_finish_check,
    publication_rescore,
)
from qualification.services.rescoring.report import RescoreReport

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "RescoreReport",
    "lead_rescore",
    "lead_rescore_all",
    "lead_table_maintain",
    "leads_rescore_nightly",
    "publication_finish_check",
    "publication_rescore",
    "reasons_summary",
]
