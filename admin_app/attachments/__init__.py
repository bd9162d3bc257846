"""Attachments: photos and PDFs on tickets (complaints too), work orders, renovations and
inspections — checked by content, stored through services/storage, scoped like their record."""
