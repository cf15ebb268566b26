"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives.

with FakeSMTPServer(refuse={"gone@example.test"}) as smtp:
    ... EMAIL_HOST="127.0.0.1", EMAIL_PORT=smtp.port ...
    assert smtp.messages[0]["To"] == "sara@example.test"
"""

import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, fake: "FakeSMTPServer"):
        self.fake = fake

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.fake.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.fake.envelopes.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content}
        )
        self.fake.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class FakeSMTPServer:
    def __init__(self, refuse: set[str] | None = None):
        self.refuse = {a.lower() for a in (refuse or set())}
        self.messages = []
        self.envelopes = []
        self.port = free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> "FakeSMTPServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
