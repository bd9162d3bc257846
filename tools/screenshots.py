"""Take the README's screenshots from the seeded demo, in headless Chromium.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]

Builds the demo into a scratch SQLite database, serves it on a loopback port and saves the
dashboard and statistics pages as the demo's director sees them (Chinese).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PAGES = [
    ("dashboard.png", "supervisor", "/admin/"),
    ("statistics.png", "director", "/admin/statistics/"),
    ("work-orders.png", "supervisor", "/admin/work_order/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/screenshots")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp()
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from admin_app import create_app
    from admin_app.extensions import db
    from admin_app.jobs.reminders import sweep_once
    from seed.demo import DEMO_PASSWORD, seed_demo

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch}/demo.db",
            "SECRET_KEY": "screenshots",
            "REMINDERS_IN_PROCESS": False,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        sweep_once(inline=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for filename, username, path in PAGES:
            context = browser.new_context(
                viewport={"width": 1366, "height": 900}, locale="zh-CN", base_url=base
            )
            page = context.new_page()
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", DEMO_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / filename), full_page=True)
            print(out / filename)
            context.close()
        browser.close()
    server.shutdown()
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
