"""Residents and their import."""
