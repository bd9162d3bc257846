"""The office's screens that span domains."""
