"""LeadHub's REST API (Django REST framework): leads, feedback, glossary and criteria.

Tokens (``Authorization: Token …``) and the browser session both work; the role
permissions in ``qualification.roles`` decide what either may do.
"""
