"""Reaching residents by text message: the estate's events, the household's opt-out and
language, the outbox sent after commit, and the one-purpose links the texts carry.

- settings.py  the estate's events and the household's choices (verbs)
- links.py     signed, expiring, single-use links bound to one household and one record
- messages.py  each event's text, in the household's language
- outbox.py    a work order's event → a text written in its transaction, sent after commit
- sending.py   claim, send through channels.sms_provider(), record; retried like reminders
- jobs.py      the delivery job and the sweep's share (rq workers, or in-process)
"""
