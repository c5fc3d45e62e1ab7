"""The speed benchmark of issue 8: our layers against each framework's native resize (``bench.py``)."""
