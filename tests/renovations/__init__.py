"""Renovations."""
