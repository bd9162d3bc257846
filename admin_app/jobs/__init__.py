"""Background jobs on RQ: they take ids, call services, and commit at the end."""
