"""LeadHub's qualification app: glossary, criteria, scoring, queues, feedback and SLAs."""
