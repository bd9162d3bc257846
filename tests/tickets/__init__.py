"""Tickets and complaints: the verbs and their rules."""
