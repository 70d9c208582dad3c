"""Services: every write LeadHub makes, one function per action (``<entity>_<action>``).

Each service takes keyword-only arguments, runs inside a transaction and returns what it
wrote. Edges (views, admin, API, tasks, commands) call these and never write models
themselves, so a rule is enforced once however the change arrives.
"""
