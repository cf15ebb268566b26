"""An SMTP server that holds every message at RCPT until released: a send stuck
half-way, so a test can kill the worker while it is inside the SMTP conversation.

    with GatedSMTPServer() as smtp:
        ... a worker starts sending ...
        smtp.waiting.wait(30)     # the client is stuck at RCPT
        ... kill the worker ...
        smtp.release()            # later sends go through
        assert len(smtp.messages) == 1

Nothing is accepted before RCPT is answered, so a client killed while held has
delivered nothing: exactly what a real server does with an aborted session.
"""

import asyncio
import threading

from aiosmtpd.controller import Controller

from tests.fakes.smtp_fake import FakeSMTPServer, _Handler


class _GatedHandler(_Handler):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.fake.waiting.set()
        while not self.fake.gate.is_set():
            await asyncio.sleep(0.05)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


class GatedSMTPServer(FakeSMTPServer):
    def __init__(self):
        super().__init__()
        self.gate = threading.Event()
        self.waiting = threading.Event()
        self._controller = Controller(_GatedHandler(self), hostname="127.0.0.1", port=self.port)

    def release(self) -> None:
        self.gate.set()
