"""The demo data set behind ``manage.py demo``.

- ``vocabulary``: event names and ICP facts shared by the catalog and the generator;
- ``glossary``, ``criteria``, ``catalog``: the definitions ops would start from;
- ``people``: demo users (one per role) and the pools lead names are drawn from;
- ``companies``, ``marketing``, ``product``, ``timeline``, ``generator``: pure, seeded
  generation of accounts, leads and 90 days of believable journeys;
- ``history``: what sales already did (claims, touches, feedback, stage moves);
- ``loader``: the idempotent, all-or-nothing write.
"""
