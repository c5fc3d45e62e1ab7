"""Make a plain ``import chainer`` work in an environment with setuptools >= 74, with nothing set by hand.

Chainer 7.8.1 imports ``numpy.distutils``, which needs ``distutils.msvccompiler``. Setuptools 74+ serves its own
``distutils`` (which lacks that module) in place of the standard library's, through an import hook that its
``distutils-precedence.pth`` installs at start-up unless ``SETUPTOOLS_USE_DISTUTILS=stdlib`` was set then.

consistent-resize installs ``consistent_resize_chainer_import.pth`` next to this module in site-packages; at
start-up it calls ``install()``, which puts one finder first on ``sys.meta_path``. The finder acts only on the
top-level name ``chainer``: it finds Chainer as usual and runs Chainer's module code inside ``stdlib_distutils()``
(setuptools' hook removed, the variable set, any loaded ``distutils`` modules set aside); afterwards the hook, the
variable and the modules are put back, so the rest of the process sees what it saw before. Nothing is imported at
start-up but this module; no other import is touched.
"""

from __future__ import annotations

import contextlib
import os
import sys


def _distutils_modules() -> dict:
    return {k: v for k, v in sys.modules.items() if k == "distutils" or k.startswith("distutils.")}


@contextlib.contextmanager
def stdlib_distutils():
    """Within the block, ``import distutils`` gives the standard library's ``distutils``."""
    saved_modules = _distutils_modules()
    saved_variable = os.environ.get("SETUPTOOLS_USE_DISTUTILS")
    hooks = [f for f in sys.meta_path if type(f).__name__ == "DistutilsMetaFinder"]
    for key in saved_modules:
        del sys.modules[key]
    for hook in hooks:
        sys.meta_path.remove(hook)
    os.environ["SETUPTOOLS_USE_DISTUTILS"] = "stdlib"
    try:
        yield
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


class _StdlibDistutilsLoader:
    """Wraps Chainer's own loader: its module code runs inside ``stdlib_distutils()``."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        import warnings

        with stdlib_distutils(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Chainer's and numpy.distutils' import-time deprecation notes
            self.loader.exec_module(module)

    def __getattr__(self, name):  # get_resource_reader, is_package, ...: Chainer's loader answers
        return getattr(self.loader, name)


class ChainerFinder:
    """A ``sys.meta_path`` finder for the name ``chainer`` only (see the module docstring)."""

    def find_spec(self, name, path=None, target=None):
        if name != "chainer":
            return None
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _StdlibDistutilsLoader(spec.loader)
        return spec

    def invalidate_caches(self):
        pass


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(type(f).__name__ == "ChainerFinder" for f in sys.meta_path):
        sys.meta_path.insert(0, ChainerFinder())
