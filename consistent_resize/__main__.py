"""``python -m consistent_resize``: the ``consistent-resize`` command line (``consistent_resize_tools.cli``)."""

from consistent_resize_tools.cli import entry_point

entry_point()
