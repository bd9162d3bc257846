"""Cross-cutting services: reminders, statistics, conflicts."""
