"""The PostgreSQL fast paths, in one room, each beside the readable path it replaces.

A full rescore reads and writes every lead; on PostgreSQL a few tricks make that several
times cheaper than the ORM (the benchmark, ``manage.py benchmark``, is their guard):

- ``rows``: query rows read on a plain psycopg cursor with C loaders, not through
  Django's per-value converters (generic path: the ORM's ``values()``).
- ``writes``: score updates and stage-transition inserts as one ``unnest`` statement of
  binary array parameters per chunk (generic path: ``bulk_update`` / ``bulk_create``),
  and batch commits that do not wait for the WAL flush.
- ``inserts``: the SLA alert scan's alerts, notifications and deliveries as one
  ``unnest`` insert per table, ``ON CONFLICT DO NOTHING RETURNING`` naming the alerts it
  created (generic path: ``bulk_create`` and a read before and after).
- ``windows``: the likelihood model's window counts as one ``string_agg`` text per lead
  (generic path: the grouped rows, packed in Python).
- ``maintenance``: ``VACUUM (ANALYZE)`` after a rescore rewrote much of a table, and
  ``ANALYZE`` inside a bulk load's transaction (the demo) before it queries what it loaded.

Every function picks its path from the connection's vendor, so SQLite (the embedded
default) always runs the readable one and the tests compare the two. Services and
selectors call in here; this package imports models only, never services or selectors.
"""
