"""Keeping and forgetting: the daily purge of old trail records and the anonymising of
households that moved out long ago (settings: RETENTION_* in config.py)."""
