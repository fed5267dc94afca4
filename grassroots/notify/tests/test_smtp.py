"""E-mail over SMTP, configured from the environment, received by a real local SMTP server.

The server is a minimal socket-level SMTP responder (EHLO, AUTH PLAIN/LOGIN, MAIL,
RCPT, DATA, QUIT) in a thread: the standard library has no SMTP server any more.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grassroots.notify import channels, services
from grassroots.notify.channels import DeliveryError
from grassroots.notify.models import Delivery, Preference
from grassroots.testing import Town

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Mailbox:
    port: int
    messages: list[dict[str, Any]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)


def _serve_one(conn: socket.socket, box: Mailbox) -> None:
    reader = conn.makefile("rb")

    def say(line: str) -> None:
        conn.sendall(line.encode() + b"\r\n")

    say("220 fake.smtp ESMTP ready")
    envelope: dict[str, Any] = {"rcpt": []}
    while True:
        raw = reader.readline()
        if not raw:
            return
        line = raw.decode().rstrip("\r\n")
        verb = line.split(" ", 1)[0].upper()
        if verb == "EHLO":
            say("250-fake.smtp")
            say("250-AUTH PLAIN LOGIN")
            say("250 8BITMIME")
        elif verb == "HELO":
            say("250 fake.smtp")
        elif verb == "AUTH":
            parts = line.split(" ")
            if parts[1].upper() == "PLAIN":
                blob = parts[2] if len(parts) > 2 else ""
                if not blob:
                    say("334 ")
                    blob = reader.readline().decode().strip()
                _zid, user, password = base64.b64decode(blob).decode().split("\0")
            else:  # LOGIN
                say("334 " + base64.b64encode(b"Username:").decode())
                user = base64.b64decode(reader.readline().strip()).decode()
                say("334 " + base64.b64encode(b"Password:").decode())
                password = base64.b64decode(reader.readline().strip()).decode()
            box.logins.append((user, password))
            say("235 2.7.0 Authentication successful")
        elif verb == "MAIL":
            envelope = {"from": line.split(":", 1)[1].strip(), "rcpt": []}
            say("250 OK")
        elif verb == "RCPT":
            envelope["rcpt"].append(line.split(":", 1)[1].strip())
            say("250 OK")
        elif verb == "DATA":
            say("354 End data with <CR><LF>.<CR><LF>")
            lines = []
            while True:
                data = reader.readline()
                if data in (b".\r\n", b".\n", b""):
                    break
                lines.append(data[1:] if data.startswith(b"..") else data)
            envelope["data"] = b"".join(lines)
            box.messages.append(envelope)
            say("250 OK queued")
        elif verb in ("RSET", "NOOP"):
            say("250 OK")
        elif verb == "QUIT":
            say("221 Bye")
            return
        else:
            say("502 Command not implemented")


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    box = Mailbox(port=listener.getsockname()[1])
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                _serve_one(conn, box)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()


def test_a_notice_goes_out_over_smtp_with_the_sender_login_and_an_absolute_link(
    town: Town, smtp_server: Mailbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = "notices@town.example.cn"
    settings.EMAIL_HOST_PASSWORD = "s3cret-pass"
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "镇政府 <notices@town.example.cn>"
    settings.SITE_URL = "https://gr.example.cn"
    Preference.objects.create(user=town.sam, email_enabled=True, email="sam@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[town.sam],
            message="case.assigned",
            params={"code": "A-9"},
            url="/cases/9/",
        )
    assert Delivery.objects.get(channel="email").status == "sent"
    assert smtp_server.logins == [("notices@town.example.cn", "s3cret-pass")]
    [received] = smtp_server.messages
    assert received["from"] == "<notices@town.example.cn>"
    assert received["rcpt"] == ["<sam@example.cn>"]
    message = email.message_from_bytes(received["data"], policy=email.policy.default)
    assert message["Subject"] == "诉求 A-9 已派给您"
    assert message["From"].addresses[0].addr_spec == "notices@town.example.cn"
    assert "https://gr.example.cn/cases/9/" in message.get_body().get_content()


def test_a_refusing_smtp_server_leaves_the_delivery_for_a_retry(
    town: Town, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    Preference.objects.create(user=town.sam, email_enabled=True, email="sam@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="k", title="重试")
    delivery = Delivery.objects.get(channel="email")
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error.startswith("email failed")
    with pytest.raises(DeliveryError) as failed:
        channels.send_email("sam@example.cn", "t", "", "")
    assert failed.value.code == "connection"


SHOW = """
import json
from grassroots import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL", "SITE_URL", "NOTIFY_SMS",
    "NOTIFY_SMS_BACKEND")}))
"""


def _settings_with(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GRASSROOTS_SMTP", "GRASSROOTS_SMS", "GRASSROOTS_EMAIL"))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter, our own module
        [sys.executable, "-c", SHOW],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_smtp_and_sms_settings_come_from_the_environment() -> None:
    done = _settings_with(
        {
            "GRASSROOTS_SITE_URL": "https://gr.example.cn",
            "GRASSROOTS_SMTP_HOST": "smtp.example.cn",
            "GRASSROOTS_SMTP_PORT": "587",
            "GRASSROOTS_SMTP_USER": "notices",
            "GRASSROOTS_SMTP_PASSWORD": "pw",
            "GRASSROOTS_SMTP_TLS": "1",
            "GRASSROOTS_EMAIL_FROM": "notices@example.cn",
            "GRASSROOTS_SMS_PROVIDER": "tencent",
            "GRASSROOTS_SMS_TEMPLATES": '{"case": {"id": "1001", "params": ["code"]}}',
        }
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (seen["EMAIL_HOST"], seen["EMAIL_PORT"], seen["EMAIL_USE_TLS"]) == (
        "smtp.example.cn",
        587,
        True,
    )
    assert (seen["EMAIL_HOST_USER"], seen["EMAIL_HOST_PASSWORD"]) == ("notices", "pw")
    assert seen["DEFAULT_FROM_EMAIL"] == "notices@example.cn"
    assert seen["SITE_URL"] == "https://gr.example.cn"
    assert seen["NOTIFY_SMS_BACKEND"] == "grassroots.notify.sms.TencentSms"
    assert seen["NOTIFY_SMS"]["TEMPLATES"] == {"case": {"id": "1001", "params": ["code"]}}


def test_without_an_smtp_host_mail_goes_to_the_console_and_bad_values_stop_the_start() -> None:
    done = _settings_with({})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert seen["NOTIFY_SMS_BACKEND"] == "grassroots.notify.channels.LogSmsBackend"
    for bad, says in (
        ({"GRASSROOTS_SMS_PROVIDER": "carrier-pigeon"}, "GRASSROOTS_SMS_PROVIDER"),
        ({"GRASSROOTS_SMS_TEMPLATES": "{not json"}, "GRASSROOTS_SMS_TEMPLATES"),
        ({"GRASSROOTS_SMTP_TLS": "1", "GRASSROOTS_SMTP_SSL": "1"}, "not both"),
    ):
        failed = _settings_with(bad)
        assert failed.returncode != 0
        assert says in failed.stderr
