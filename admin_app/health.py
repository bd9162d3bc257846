"""GET /healthz: is the database reachable, and Redis (when one is configured)?"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from admin_app.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz():
    report = {"database": "ok", "redis": "not configured"}
    status = 200
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure means "not reachable"; details go to the log only
        current_app.logger.exception("health check: database unreachable")
        report["database"] = "unreachable"
        status = 503
    finally:
        db.session.rollback()
    if current_app.config.get("REDIS_URL"):
        from admin_app import redis as app_redis

        try:
            app_redis.connection().ping()
            report["redis"] = "ok"
        except Exception:
            current_app.logger.warning("health check: redis unreachable")
            report["redis"] = "unreachable"
    report["status"] = "ok" if status == 200 else "error"
    return jsonify(report), status
