"""Import Chainer 7.8.1 wherever it is installed, without the user setting anything.

Chainer imports ``numpy.distutils``, which needs ``distutils.msvccompiler``; setuptools 74+ serves its own
``distutils`` instead (see ``_consistent_resize_chainer_import``, the start-up hook that makes a plain
``import chainer`` work). Where that hook is not installed (for example the package is used from a source tree),
Chainer is imported here inside the same ``stdlib_distutils()`` block.
"""

from __future__ import annotations

import sys

from _consistent_resize_chainer_import import stdlib_distutils


def import_chainer():
    """Import and return the ``chainer`` module (an ImportError if Chainer is not installed)."""
    if "chainer" in sys.modules:
        return sys.modules["chainer"]
    import warnings

    with stdlib_distutils(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import chainer
    return chainer
