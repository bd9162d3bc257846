"""Reminders: rules, the outbox, delivery."""
