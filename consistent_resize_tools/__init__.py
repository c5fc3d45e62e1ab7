"""Tooling built on the core: the ``consistent-resize`` command line (``cli``: ``compare``, ``audit``,
``explain``, ``presets``), the runners that call real libraries (``libraries``) and the demo inputs
(``data``). The core (``consistent_resize``) is the math and imports none of this."""
