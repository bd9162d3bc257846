"""Django admin over our tables: the second baseline of the page bench (bench/django_pages.py).

Django's own tables (users, sessions, content types, admin log) live in a scratch database,
bench_django_auth; our tables are read through unmanaged models on a second alias."""
