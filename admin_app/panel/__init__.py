"""The Flask-Admin machinery every domain's screens use: base views, lists, fields, filters,
lookups, exports, stored files, and the action engine."""
