"""What years of work leave behind besides the records themselves, for the large dataset:
the reminders of every deadline, their deliveries and inbox entries, the gate's checks of
every vehicle pass, large-item release passes and renovation patrols.

Written by the database from the rows already there (INSERT … SELECT), so it takes seconds,
and can top up a dataset generated before these tables were (bench/generate.py).
"""

from __future__ import annotations

from datetime import datetime

# Each estate's staff, so that every reminder and check has someone of that estate behind it.
RECIPIENTS = """
CREATE TEMP TABLE bench_staff ON COMMIT DROP AS
SELECT estate_id, array_agg(staff_id ORDER BY staff_id) AS staff FROM staff_estate GROUP BY estate_id
"""

# One reminder per live-or-past deadline: callbacks, complaints, revisits. Due before the
# deadline; sent when that moment has passed, else still pending.
REMINDERS = """
INSERT INTO reminder (estate_id, rule, entity_type, entity_id, level, recipient_id, deadline_at,
                      due_at, status, attempts, queued_at, sent_at, dedupe_key, created_at)
SELECT d.estate_id, d.rule, d.entity_type, d.entity_id, 0,
       s.staff[1 + d.entity_id %% array_length(s.staff, 1)],
       d.deadline_at, d.deadline_at - interval '2 hours',
       CASE WHEN d.deadline_at - interval '2 hours' <= %(now)s THEN 'sent' ELSE 'pending' END,
       CASE WHEN d.deadline_at - interval '2 hours' <= %(now)s THEN 1 ELSE 0 END,
       CASE WHEN d.deadline_at - interval '2 hours' <= %(now)s THEN d.deadline_at - interval '2 hours' END,
       CASE WHEN d.deadline_at - interval '2 hours' <= %(now)s THEN d.deadline_at - interval '2 hours' END,
       d.rule || ':' || d.entity_type || ':' || d.entity_id || ':0', d.created_at
FROM (
    SELECT estate_id, 'callback' AS rule, 'ticket' AS entity_type, id AS entity_id,
           callback_due_at AS deadline_at, received_at AS created_at
    FROM ticket WHERE callback_due_at IS NOT NULL
    UNION ALL
    SELECT estate_id, 'complaint_valid', 'ticket', id, complaint_due_at, received_at
    FROM ticket WHERE complaint_due_at IS NOT NULL
    UNION ALL
    SELECT estate_id, 'revisit', 'work_order', id, revisit_due_at, created_at
    FROM work_order WHERE revisit_due_at IS NOT NULL
) d JOIN bench_staff s ON s.estate_id = d.estate_id
"""

# Every reminder in its recipient's inbox; every fourth also by SMS, one in fifty of those
# failed (the failed-deliveries list has something to show).
DELIVERIES = """
INSERT INTO reminder_delivery (reminder_id, estate_id, staff_id, channel, address, status,
                               attempts, last_error, created_at, last_attempt_at, sent_at)
SELECT r.id, r.estate_id, r.recipient_id, c.channel,
       CASE WHEN c.channel = 'sms' THEN '1390000' || lpad((r.recipient_id %% 10000)::text, 4, '0') END,
       CASE WHEN r.status <> 'sent' THEN 'pending'
            WHEN c.channel = 'sms' AND r.id %% 200 = 0 THEN 'failed' ELSE 'sent' END,
       CASE WHEN r.status = 'sent' THEN 1 ELSE 0 END,
       CASE WHEN r.status = 'sent' AND c.channel = 'sms' AND r.id %% 200 = 0
            THEN 'SMS gateway: number unreachable' END,
       r.due_at, r.sent_at,
       CASE WHEN r.status = 'sent' AND NOT (c.channel = 'sms' AND r.id %% 200 = 0) THEN r.sent_at END
FROM reminder r
CROSS JOIN LATERAL (VALUES ('inbox'), ('sms')) AS c(channel)
WHERE c.channel = 'inbox' OR r.id %% 4 = 0
"""

# The inbox: one entry per reminder sent; all but the last few days' read.
INBOX = """
INSERT INTO notification (staff_id, reminder_id, title, body, link, created_at, read_at)
SELECT r.recipient_id, r.id,
       CASE r.rule WHEN 'callback' THEN '回访来电到期' WHEN 'revisit' THEN '工单回访到期'
                   ELSE '投诉处理到期' END,
       '请在期限前处理。', '/admin/' || r.entity_type || '/details/?id=' || r.entity_id,
       r.sent_at, CASE WHEN r.sent_at < %(now)s - interval '3 days' THEN r.sent_at + interval '1 hour' END
FROM reminder r WHERE r.status = 'sent'
"""

# Six checks of every vehicle pass at the gate over its month, the result its state gives.
GATE_CHECKS = """
INSERT INTO gate_check (checked_at, checked_by_id, method, scanned, result, pass_kind, pass_id,
                        pass_number, estate_id)
SELECT v.valid_from + (n * 5) * interval '1 day' + interval '8 hours',
       s.staff[1 + (v.id + n) %% array_length(s.staff, 1)],
       CASE WHEN n %% 3 = 0 THEN 'typed' ELSE 'scanned' END,
       CASE WHEN n %% 3 = 0 THEN v.plate ELSE v.number END,
       CASE v.status WHEN 'approved' THEN 'valid' WHEN 'applied' THEN 'not_approved'
                     ELSE v.status END,
       'vehicle', v.id, v.number, v.estate_id
FROM vehicle_pass v JOIN bench_staff s ON s.estate_id = v.estate_id
CROSS JOIN generate_series(0, 5) AS n
WHERE v.valid_from + (n * 5) * interval '1 day' <= %(now)s
"""

# A large-item release for every fifth flat, most of them let out at the gate already.
RELEASE_PASSES = """
INSERT INTO release_pass (unit_id, applicant_name, applicant_phone, applicant_is_tenant, items,
                          moving_date, released_at, number, status, valid_from, valid_until,
                          approved_at, token_nonce, estate_id, created_at, updated_at)
SELECT u.id,
       (ARRAY['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊'])[1 + u.id %% 6],
       '1380013' || lpad((u.id %% 10000)::text, 4, '0'), u.id %% 7 = 0,
       '沙发一张、冰箱一台、纸箱十个', d.day,
       CASE WHEN d.day < %(now)s::date THEN d.day + interval '10 hours' END,
       'E' || lpad(u.estate_id::text, 3, '0') || '-RP' || to_char(d.day, 'YYMM') || '-'
           || lpad(u.id::text, 6, '0'),
       CASE WHEN d.day < %(now)s::date THEN 'released' ELSE 'approved' END,
       d.day, d.day, d.day - interval '1 day', md5(u.id::text), u.estate_id,
       d.day - interval '2 days', d.day - interval '1 day'
FROM unit u CROSS JOIN LATERAL (SELECT %(now)s::date - (u.id %% 400) AS day) d
WHERE u.id %% 5 = 0
"""

# Two patrols of every renovation past its approval (from its planned start); one in ten found
# something.
PATROLS = """
INSERT INTO renovation_inspection (renovation_id, kind, inspected_at, inspector_id, result,
                                   notes, estate_id, created_at, updated_at)
SELECT r.id, 'patrol', r.planned_start + n * interval '7 days',
       s.staff[1 + (r.id + n) %% array_length(s.staff, 1)],
       CASE WHEN (r.id + n) %% 10 = 0 THEN 'violation' ELSE 'ok' END,
       CASE WHEN (r.id + n) %% 10 = 0 THEN '夜间施工，已当场制止' END,
       r.estate_id, r.planned_start + n * interval '7 days', r.planned_start + n * interval '7 days'
FROM renovation r JOIN bench_staff s ON s.estate_id = r.estate_id
CROSS JOIN generate_series(1, 2) AS n
WHERE r.status NOT IN ('applied', 'permitted')
  AND r.planned_start + n * interval '7 days' <= %(now)s
"""

STEPS = (
    ("reminder", REMINDERS),
    ("reminder_delivery", DELIVERIES),
    ("notification", INBOX),
    ("gate_check", GATE_CHECKS),
    ("release_pass", RELEASE_PASSES),
    ("renovation_inspection", PATROLS),
)


def needs_trail(conn) -> bool:
    return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM reminder)").fetchone()[0]


def write_trail(conn, now: datetime, log=print) -> dict[str, int]:
    """Every STEPS table filled from the records; rows written per table."""
    counts = {}
    with conn.cursor() as cur:
        cur.execute(RECIPIENTS)
        for table, sql in STEPS:
            started = datetime.now()
            cur.execute(sql, {"now": now})
            counts[table] = cur.rowcount
            log(
                f"  {table:<14} {cur.rowcount:>9,} rows in "
                f"{(datetime.now() - started).total_seconds():6.1f} s"
            )
    conn.commit()
    return counts
