"""Validation of named choices, with a suggestion of the closest allowed name."""

from __future__ import annotations

import difflib
from typing import Iterable


def check_choice(argument: str, value: object, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``; else raise a ValueError that names the argument,
    every allowed value and, where one is close, the likely intended one."""
    allowed = tuple(allowed)
    if isinstance(value, str) and value in allowed:
        return value
    message = f"unknown {argument} {value!r}; expected one of {', '.join(map(repr, allowed))}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value, allowed, n=3, cutoff=0.5)
        if close:
            message += f" (did you mean {' or '.join(map(repr, close))}?)"
    raise ValueError(message)
