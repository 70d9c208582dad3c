"""The pure scoring core: plain Python, no Django, no clock, no settings."""
