"""The embedded broker: kombu's file-system transport, made safe for several processes.

Kombu's own transport writes a message file in place (a consumer can read it half-written) and
moves consumed files to the system temp dir (a copy, not an atomic rename, when that is another
file system: two consumers can then both take one message). Here a message is written beside
the queue and renamed in, and a consumer claims it by renaming it into a `claimed` folder on the
same file system: exactly one rename succeeds.

Why this transport for the embedded default: it is pure Python, needs no server and supports
fanout, so `celery inspect` and `control` work; it has no priorities and loses a message whose
consumer dies, which the database lease turns into a delayed re-dispatch, not a lost product.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads


class Channel(filesystem.Channel):  # type: ignore[misc]
    def _folder(self, name: str) -> Path:
        path = Path(self.data_folder_in).parent / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Names sort by time, so each queue stays first-in, first-out.
        name = f"{round(monotonic() * 1000):015d}_{uuid.uuid4()}.{queue}.msg"
        tmp = self._folder("tmp") / name
        tmp.write_bytes(str_to_bytes(dumps(payload)))
        os.replace(tmp, Path(self.data_folder_out) / name)

    def _get(self, queue: str) -> Any:  # type: ignore[override]
        suffix = f".{queue}.msg"
        claimed_dir = self._folder("claimed")
        for name in sorted(n for n in os.listdir(self.data_folder_in) if n.endswith(suffix)):
            if name.partition(".")[2] != suffix[1:]:
                continue
            claimed = claimed_dir / f"{os.getpid()}-{name}"
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except OSError:
                continue  # another consumer claimed it first
            try:
                payload = claimed.read_bytes()
            finally:
                claimed.unlink(missing_ok=True)
            return loads(bytes_to_str(payload))
        raise Empty()


class Transport(filesystem.Transport):  # type: ignore[misc]
    Channel = Channel


def register_embedded_transport() -> None:
    """Make `filesystem://` URLs use this transport in this process."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
