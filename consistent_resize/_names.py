"""Validation of named choices, with a suggestion of the closest allowed name.

Message shape (the fix first, then where to see every choice)::

    unknown preset 'pytorch_bilnear'; did you mean 'pytorch_bilinear'? (`consistent-resize presets` lists all 76)
    unknown mode 'bicubc'; did you mean 'cubic'? (expected one of 'nearest', 'linear', ...)
"""

from __future__ import annotations

import difflib
from typing import Iterable

#: A choice with at most this many allowed values lists them all; a longer one names ``listing``.
MAX_LISTED = 12
#: ``difflib`` similarity above which an allowed name is suggested.
CUTOFF = 0.6


def choice_error(argument: str, value: object, allowed: Iterable[str], listing: str | None = None) -> str:
    """The short message for ``value`` not in ``allowed``: the suggestion (if one is close) first, then
    the allowed values (a short set) or ``listing`` (where a long set is listed)."""
    allowed = tuple(allowed)
    if not isinstance(value, str):
        head = f"{argument} must be a string, got {value!r}"
        close: list[str] = []
    else:
        head = f"unknown {argument} {value!r}"
        close = difflib.get_close_matches(value, allowed, n=2, cutoff=CUTOFF)
        lowered = [a for a in allowed if a.lower() == value.lower().strip()]
        close = lowered[:1] or close
    if close:
        head += f"; did you mean {' or '.join(map(repr, close))}?"
    if len(allowed) <= MAX_LISTED or listing is None:
        shown = allowed if len(allowed) <= MAX_LISTED else allowed[:MAX_LISTED] + ("...",)
        tail = "expected one of " + ", ".join(v if v == "..." else repr(v) for v in shown)
    else:
        tail = f"{listing} lists all {len(allowed)}"
    return f"{head} ({tail})" if close else f"{head}; {tail}"


def check_choice(argument: str, value: object, allowed: Iterable[str], listing: str | None = None) -> str:
    """Return ``value`` if it is one of ``allowed``; else raise a ValueError (``choice_error``) that leads
    with the likely intended name and then says where to see them all.

    Args:
        argument: the argument's name as the user typed it (``"preset"``, ``"mode"``).
        value: what was given.
        allowed: the allowed names.
        listing: for a long set (over ``MAX_LISTED``): where the user finds them all, e.g.
            ``"`consistent-resize presets`"``; without it the first ``MAX_LISTED`` are shown.
    """
    allowed = tuple(allowed)
    if isinstance(value, str) and value in allowed:
        return value
    raise ValueError(choice_error(argument, value, allowed, listing))
