"""Tooling built on the core: the ``consistent-resize`` command line (``cli``: ``compare``, ``audit``,
``explain``, ``presets``, ``fix``), the runners that call real libraries (``libraries``), the measured rules
of the ONNX runtimes (``runtimes``, read by ``audit``/``fix`` and by the exporters to choose what they write),
the runtime matrix (``runtime_matrix``) and the demo inputs (``data``). The core (``consistent_resize``) is the math and imports none of this."""
