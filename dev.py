#!/usr/bin/env python3
"""The two commands a newcomer needs, on a machine with only Python 3.11+:

    python3 dev.py demo    install everything, build the demo database, start the panel
    python3 dev.py test    install everything (Chromium too), lint, run the whole test suite

Everything goes into ./.venv; the install is repeated only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"
DEMO_LOGINS = (
    ("admin", "administrator, all estates"),
    ("director", "director, all estates"),
    ("supervisor", "supervisor, 华苑小区"),
    ("reception", "receptionist, 华苑小区"),
    ("tech", "technician, 华苑小区"),
    ("guard", "guard, 华苑小区"),
    ("reception2 / supervisor2 / tech2 / guard2", "the same roles in 锦绣花园"),
)


def run(*args, env=None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def install() -> None:
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed.")
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    stamp = VENV / ".install-stamp"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        print("Installing dependencies (first run takes a minute) …", flush=True)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[test]")
        stamp.write_text(digest)
    run(
        PYTHON,
        "-c",
        "from admin_app.translations_build import compile_catalogs; compile_catalogs()",
    )


def install_browser_checks() -> None:
    """axe-core, injected by the browser tests' accessibility walk, from the npm registry
    (package.json / package-lock.json); repeated only when the lock file changes."""
    stamp = ROOT / "node_modules" / ".install-stamp"
    digest = hashlib.sha256((ROOT / "package-lock.json").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm (Node.js) is needed for the browser tests: install the Debian package 'npm'.")
    print("Installing axe-core with npm …", flush=True)
    run(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
    stamp.write_text(digest)


def install_chromium() -> None:
    """The browser tests drive Debian's Chromium (Playwright's own download is not used) and
    inject axe-core (installed with npm); the fault tests start and stop a redis-server of
    their own."""
    if shutil.which("chromium") and shutil.which("redis-server") and shutil.which("npm"):
        return
    packages = ["chromium", "fonts-noto-cjk", "redis-server"]
    if not shutil.which("npm"):
        packages.append("npm")
    apt = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None or not shutil.which("apt-get"):
        sys.exit(
            "Chromium, redis-server and npm are needed for the tests: install the Debian "
            "packages 'chromium', 'redis-server' and 'npm'."
        )
    print("Installing Chromium and redis-server with apt-get …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(prefix + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(prefix + apt, check=True, env=env)


def flask(*args, env=None) -> None:
    run(BIN / "flask", "--app", "wsgi", *args, env=env)


def demo() -> None:
    install()
    flask("db", "upgrade")
    flask("seed", "demo")
    port = os.environ.get("PORT", "5000")
    print(f"\nThe panel runs at http://127.0.0.1:{port}/  (Ctrl+C stops it)")
    print("Demo logins, password demo1234 (demo only):")
    for username, what in DEMO_LOGINS:
        print(f"  {username:<44} {what}")
    print(flush=True)
    # The texts the demo would send (sign-in codes, a repair's news) are printed here.
    os.environ.setdefault("LOG_LEVEL", "INFO")
    os.execv(
        BIN / "flask",
        [str(BIN / "flask"), "--app", "wsgi", "run", "--host", "127.0.0.1", "--port", port],
    )


def test(pytest_args: list[str]) -> None:
    install()
    install_chromium()
    install_browser_checks()
    run(BIN / "ruff", "check", ".")
    target = os.environ.get("DATABASE_URL") or "SQLite"
    print(f"Running the test suite on {target.split('@')[-1]}", flush=True)
    args = pytest_args or ["-n", os.environ.get("TEST_WORKERS", "2")]
    os.execv(BIN / "pytest", [str(BIN / "pytest"), *args])


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "demo":
        demo()
    elif command == "test":
        test(sys.argv[2:])
    elif command == "install":
        install()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
