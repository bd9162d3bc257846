"""Passes and the gate."""
