"""Logins and permissions."""
