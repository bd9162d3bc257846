"""The household archive (内部档案管理): signed agreements, registration forms, ID copies,
permits kept in a unit's file (optionally a resident's), each opening recorded.

Screens: the unit's and the resident's details page (views.py, mixed into their views)."""
