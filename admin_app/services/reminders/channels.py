"""The ways a reminder leaves the panel: e-mail over SMTP when MAIL_SERVER is set, and text
messages through a small provider interface (SMS_PROVIDER; the default only writes a log line,
so nothing is sent and no network is touched until a real provider is configured)."""

from __future__ import annotations

import importlib
import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

log = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Send one text message; raise on failure (the attempt is recorded and retried)."""


class LogSmsProvider:
    """Writes the message to the log instead of sending it: the safe default."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


SMS_PROVIDERS: dict[str, type] = {"log": LogSmsProvider}


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def _sms_setting() -> str:
    return (current_app.config.get("SMS_PROVIDER") or "").strip()


def sms_enabled() -> bool:
    return _sms_setting().lower() not in ("", "none", "off")


def sms_provider() -> SmsProvider | None:
    """The configured provider: a name from SMS_PROVIDERS, "module:Class", or none/off."""
    if not sms_enabled():
        return None
    name = _sms_setting()
    if name in SMS_PROVIDERS:
        return SMS_PROVIDERS[name]()
    module_name, _, class_name = name.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()


def email_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


class Mailer:
    """Sends one message per connection: reminders are few, and a fresh connection never
    inherits a half-broken one. `smtp_class` is replaced in tests (no network there)."""

    smtp_class = smtplib.SMTP

    def send(self, to: str, subject: str, body: str, attachments=()) -> None:
        """`attachments`: (file name, bytes, MIME type) triples (the monthly report's XLSX)."""
        config = current_app.config
        message = EmailMessage()
        message["From"] = config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        for filename, data, mimetype in attachments:
            maintype, _, subtype = mimetype.partition("/")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        with self.smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)


mailer = Mailer()


class MemorySmsProvider:
    """Keeps each message in this process's memory instead of sending it: for tests, including
    browser tests against a live server in a thread (SMS_PROVIDER=memory). Never in production:
    anyone reading the process could read the codes."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsProvider.sent.append((phone, text))

    @classmethod
    def last_to(cls, phone: str) -> str | None:
        """The newest message sent to `phone`, or None."""
        return next((text for to, text in reversed(cls.sent) if to == phone), None)


SMS_PROVIDERS["memory"] = MemorySmsProvider
