"""Tests of the Flask-Admin machinery every domain uses."""
