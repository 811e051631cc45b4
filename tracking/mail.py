"""E-mail through the office's SMTP relay (smtplib); nothing is sent when none is configured."""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass
class Mailer:
    host: str | None
    port: int = 25
    sender: str = "ketluan@localhost"
    starttls: bool = False
    username: str = ""
    password: str = ""
    timeout: float = 20.0

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def send(self, to: list[str], subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, ", ".join(to), subject
        msg.set_content(body, charset="utf-8")
        if not self.host:
            raise smtplib.SMTPException("no SMTP relay configured (KETLUAN_SMTP_HOST)")
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(msg)


def mailer_from(settings) -> Mailer:
    return Mailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        settings.smtp_starttls,
        settings.smtp_username,
        settings.smtp_password,
        settings.smtp_timeout_s,
    )
