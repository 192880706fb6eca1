"""Bounded memories of derived results kept for the whole process (a batch worker's later mines
reuse what its earlier ones computed): one way to add an entry and drop the oldest."""
from __future__ import annotations

from typing import Any


def remember(memo: dict[Any, Any], key: Any, value: Any, most: int) -> Any:
    """Put ``value`` in ``memo`` under ``key``, the oldest entry going when it holds ``most``;
    returns ``value``."""
    if len(memo) >= most:
        del memo[next(iter(memo))]
    memo[key] = value
    return value
