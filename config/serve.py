"""`python -m config.serve [daphne's arguments]`: daphne, with its event loop on uvloop.

daphne runs Twisted on an asyncio event loop that it creates when it is imported,
unless an asyncio reactor is installed already. Installed here first, on a uvloop
(libuv) loop, every socket write of a fan-out registers and flushes through libuv
instead of asyncio's selector loop in Python. Measured with bench/ (the README's
"Performance"). Where uvloop is missing (it has no Windows build), daphne runs on
asyncio's own loop, as the plain `daphne` command does.

It also makes daphne refuse request bodies over their limit before storing them
(config/body_limit.py), which the plain `daphne` command does not.
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor


def install_reactor() -> str:
    """Install Twisted's asyncio reactor on a uvloop loop; return the loop's kind.

    Must run before anything imports daphne.server or twisted.internet.reactor.
    """
    try:
        import uvloop
    except ImportError:
        return "asyncio"
    from twisted.internet import asyncioreactor

    loop = uvloop.new_event_loop()
    if os.environ.get("ASGI_THREADS"):  # what daphne does for the loop it would make
        loop.set_default_executor(ThreadPoolExecutor(max_workers=int(os.environ["ASGI_THREADS"])))
    asyncioreactor.install(loop)
    return "uvloop"


def main() -> None:
    kind = install_reactor()
    print(f"baton: daphne on {kind}'s event loop", file=sys.stderr, flush=True)
    # Imported after: daphne keeps an asyncio reactor that is already installed.
    from daphne.cli import CommandLineInterface

    from config import body_limit

    body_limit.install()
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
