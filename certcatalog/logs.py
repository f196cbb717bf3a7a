"""Logging filters (issue #22): failures that repeat on every request are told once per
interval, and a client's mistake is one line at WARNING, not an error with a traceback."""

import logging
import threading
import time

CACHE_FAILURE_INTERVAL = 60.0
"""Seconds between two reports of the cache failing (per process)."""


class OncePerInterval(logging.Filter):
    """Let a record through only if no record from the same logger and call site went through in
    the last `interval` seconds; the next one that does says how many were held back."""

    def __init__(
        self, interval: float = CACHE_FAILURE_INTERVAL, message: str = "", one_line: bool = True
    ) -> None:
        super().__init__()
        self.interval = float(interval)
        self.message = message
        """Said instead of the record's own message (a library's "Exception ignored")."""
        self.one_line = one_line
        """Drop the traceback from the record (not for mail: the first one keeps it)."""
        self._lock = threading.Lock()
        self._last: dict[tuple, float] = {}
        self._held: dict[tuple, int] = {}

    def reset(self) -> None:
        """Forget what was told (tests start each case afresh)."""
        with self._lock:
            self._last.clear()
            self._held.clear()

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        key = (record.name, record.pathname, record.lineno, type(error).__name__)
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                self._held[key] = self._held.get(key, 0) + 1
                return False
            self._last[key] = now
            held = self._held.pop(key, 0)
        if self.message:
            record.msg, record.args = self.message, ()
        if self.one_line and error is not None:
            # One line: what failed, not a traceback through the cache client each minute.
            record.msg = f"{record.getMessage()}: {error!r}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        if held:
            record.msg = (
                f"{record.getMessage()} ({held} more like it in the last {self.interval:g} s)"
            )
            record.args = ()
        return True


class OneLineWarning(logging.Filter):
    """A client's error (a bad Host header, a malformed request) as one WARNING line: the
    message, without the traceback Django attaches to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
