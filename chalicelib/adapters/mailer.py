"""Outgoing e-mail through SES (v2), as MIME so a text and an HTML part can travel together."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid, parseaddr

from chalicelib.adapters import aws
from chalicelib.config import Settings


class SesMailer:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def send(self, to: str, subject: str, text: str, html: str | None = None,
             tags: dict[str, str] | None = None) -> str:
        display_name, sender = parseaddr(self._settings.mail_from)
        message = EmailMessage()
        message["From"] = formataddr((display_name or self._settings.org_name, sender))
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=sender.split("@")[-1])
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
        extra: dict = {}
        if self._settings.ses_configuration_set:
            # Bounces and complaints of this mail come back with these tags (workers/mail_events.py).
            extra["ConfigurationSetName"] = self._settings.ses_configuration_set
            extra["EmailTags"] = [{"Name": name, "Value": value} for name, value in (tags or {}).items()]
        answer = aws.client(self._settings, "sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [to]},
            Content={"Raw": {"Data": message.as_bytes()}},
            **extra,
        )
        return answer["MessageId"]
