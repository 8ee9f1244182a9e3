"""The server's memory of answers: replies by request, bounded in count and in bytes.

Every reply depends only on its request (the maths is deterministic), so a reply — an answer
or a refusal — is kept under a key made from the endpoint and the request, with the formula's
whitespace normalised: a view already seen is sent again without a worker.

>>> c = ReplyCache(entries=2, max_bytes=1000)
>>> c.put(key("field", {"formula": "x^2 +  y^2"}), 200, b"{}")
>>> c.get(key("field", {"formula": " x^2 + y^2"}))
(200, b'{}')
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

__all__ = ["ReplyCache", "key", "normal_text"]


def normal_text(text: str) -> str:
    """The formula with runs of whitespace as one space and none at the ends (same meaning).

    >>> normal_text("  x^2 +\\t3y^2 ")
    'x^2 + 3y^2'
    """
    return " ".join(text.split())


def key(endpoint: str, payload: dict[str, Any]) -> str:
    """The cache key of a request: endpoint and canonical JSON, formula normalised."""
    data = dict(payload)
    if isinstance(data.get("formula"), str):
        data["formula"] = normal_text(data["formula"])
    return endpoint + " " + json.dumps(data, sort_keys=True, separators=(",", ":"))


class ReplyCache:
    """An LRU of (status, body) by key, at most ``entries`` replies and ``max_bytes`` bytes."""

    def __init__(self, entries: int = 512, max_bytes: int = 64 << 20) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[str, tuple[int, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, k: str) -> tuple[int, bytes] | None:
        with self._lock:
            found = self._data.get(k)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(k)
            self.hits += 1
            return found

    def put(self, k: str, status: int, content: bytes) -> None:
        size = len(content) + len(k)
        if size > self.max_bytes // 4:  # one huge reply must not empty the cache
            return
        with self._lock:
            old = self._data.pop(k, None)
            if old is not None:
                self._bytes -= len(old[1]) + len(k)
            self._data[k] = (status, content)
            self._bytes += size
            while len(self._data) > self.entries or self._bytes > self.max_bytes:
                k0, (_, c0) = self._data.popitem(last=False)
                self._bytes -= len(c0) + len(k0)

    def __contains__(self, k: object) -> bool:
        """Whether a reply is kept under ``k`` (not counted as a hit or a miss)."""
        with self._lock:
            return k in self._data

    def __len__(self) -> int:
        return len(self._data)
