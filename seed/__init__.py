"""Demo data (`flask --app wsgi seed demo`) and large generated datasets for benchmarks."""
