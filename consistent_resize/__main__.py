"""``python -m consistent_resize``: the ``consistent-resize`` command line."""

from .cli import entry_point

entry_point()
