"""The verbs of the panel. Views, batch actions, jobs and the CLI all call these; services
check, change, record history and flush — the caller (request or job) commits."""
