"""Import torchvision beside a CPU-only torch whose build its compiled ops do not match.

PyPI's torchvision wheels are CUDA builds: next to ``torch==2.13.0+cpu`` their ``_C.so`` does not load,
``torchvision.extension._has_ops()`` is then False (the ops raise "Couldn't load custom C++ ops" when
called), but ``torchvision/_meta_registrations.py`` still calls ``torch.library.register_fake`` for
``torchvision::nms`` and ``torchvision::qnms`` at import time, and that raises ``operator
torchvision::nms does not exist``. The models are pure Python.

``import_torchvision()`` imports it normally; only on that failure does it import it again with
``register_fake`` of an operator that does not exist turned into a no-op for the duration of the import.
It registers nothing (the skipped fakes are for ops that are absent), defines no schema, and leaves
``register_fake`` as it was.
"""

from __future__ import annotations

import contextlib
import sys


@contextlib.contextmanager
def _skip_fakes_of_missing_ops():
    import torch

    original = torch.library.register_fake

    def register_fake(op, *args, **kwargs):
        if isinstance(op, str) and op.startswith("torchvision::"):
            namespace, name = op.split("::")
            if not hasattr(getattr(torch.ops, namespace), name.split(".")[0]):
                return lambda fn: fn  # the op is absent: nothing to attach a fake to
        return original(op, *args, **kwargs)

    torch.library.register_fake = register_fake
    try:
        yield
    finally:
        torch.library.register_fake = original


def import_torchvision():
    """``torchvision``, importable on a CPU torch with a CUDA torchvision wheel; raises ImportError if absent."""
    try:
        import torchvision
    except RuntimeError as error:
        if "torchvision::" not in str(error) or "does not exist" not in str(error):
            raise
        for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
            del sys.modules[name]
        with _skip_fakes_of_missing_ops():
            import torchvision
    return torchvision
