"""Keys kept in a file when no environment variable gives them (embedded mode, tests):
the integration-secrets key and the Web Push (VAPID) key."""

import functools
import os
from collections.abc import Callable
from pathlib import Path


@functools.lru_cache(maxsize=8)
def key_in_file(path: Path, generate: Callable[[], str]) -> str:
    """The key in `path`, created first with `generate()` when missing, read once per
    process. The new key is written (mode 0600) to a temporary file and linked into
    place, which fails if another process got there first: every process then reads
    the one complete key."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(generate() + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
