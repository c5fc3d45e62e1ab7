"""Import Chainer 7.8.1 wherever it is installed, without the user setting anything.

Chainer imports ``numpy.distutils``, which needs ``distutils.msvccompiler``. Setuptools 74+ serves its own
``distutils`` (which lacks that module) in place of the standard library's, through an import hook that
its ``distutils-precedence.pth`` installs at start-up unless ``SETUPTOOLS_USE_DISTUTILS=stdlib`` was set
then; TensorFlow imports that ``distutils`` early. So Chainer is imported with the hook removed, the
variable set and any loaded ``distutils`` modules set aside; afterwards the hook, the variable and the
modules are put back, so the rest of the process sees what it saw before.
"""

from __future__ import annotations

import os
import sys


def _distutils_modules() -> dict:
    return {k: v for k, v in sys.modules.items() if k == "distutils" or k.startswith("distutils.")}


def import_chainer():
    """Import and return the ``chainer`` module (an ImportError if Chainer is not installed)."""
    if "chainer" in sys.modules:
        return sys.modules["chainer"]
    saved_modules = _distutils_modules()
    saved_variable = os.environ.get("SETUPTOOLS_USE_DISTUTILS")
    hooks = [f for f in sys.meta_path if type(f).__name__ == "DistutilsMetaFinder"]
    for key in saved_modules:
        del sys.modules[key]
    for hook in hooks:
        sys.meta_path.remove(hook)
    os.environ["SETUPTOOLS_USE_DISTUTILS"] = "stdlib"
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import chainer
    finally:
        if saved_variable is None:
            os.environ.pop("SETUPTOOLS_USE_DISTUTILS", None)
        else:
            os.environ["SETUPTOOLS_USE_DISTUTILS"] = saved_variable
        for key in _distutils_modules():
            del sys.modules[key]
        sys.modules.update(saved_modules)
        for hook in reversed(hooks):
            sys.meta_path.insert(0, hook)
    return chainer
