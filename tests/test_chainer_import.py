"""A plain ``import chainer`` works, as a user types it first, with nothing set by hand: in this environment
(editable install, start-up line from the Makefile) and from the built wheel in a fresh venv.

Each check runs in a new interpreter: the start-up hook acts when Python starts, and a process that already
imported Chainer would prove nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("numpy")
if sys.version_info >= (3, 12):
    pytest.skip("Chainer 7.8.1 needs the standard library's distutils (Python < 3.12)", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
PURELIB = Path(sysconfig.get_path("purelib"))
HAS_CHAINER = (PURELIB / "chainer").is_dir()
needs_chainer = pytest.mark.skipif(not HAS_CHAINER, reason="Chainer 7.8.1 is not installed in this environment")

CHECK = textwrap.dedent(
    """
    import os, sys
    {before}
    import chainer
    import chainer.functions as F
    import numpy as np
    y = F.resize_images(np.zeros((1, 1, 2, 2), np.float32), (4, 4))
    assert y.shape == (1, 1, 4, 4), y.shape
    assert os.environ.get("SETUPTOOLS_USE_DISTUTILS") == {variable!r}, os.environ.get("SETUPTOOLS_USE_DISTUTILS")
    print("chainer", chainer.__version__)
    """
)


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SETUPTOOLS_USE_DISTUTILS"}
    env["PYTHONWARNINGS"] = "ignore"
    return env


def _run(python: str, before: str = "", variable=None, cwd=None) -> subprocess.CompletedProcess:
    code = CHECK.format(before=before, variable=variable)
    return subprocess.run([python, "-c", code], capture_output=True, text=True, env=_clean_env(),
                          cwd=cwd or os.path.expanduser("~"), timeout=240)


@needs_chainer
@pytest.mark.parametrize("before", [
    "",
    "import setuptools, distutils.core",  # setuptools' own distutils already loaded
    "import tensorflow, torch",  # frameworks that import distutils first
])
def test_plain_import_chainer_in_this_environment(before):
    if "tensorflow" in before:
        pytest.importorskip("tensorflow")
        pytest.importorskip("torch")
    result = _run(sys.executable, before)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "chainer 7." in result.stdout


@needs_chainer
def test_setuptools_distutils_stays_for_the_rest_of_the_process():
    """After ``import chainer`` the process sees the ``distutils`` it saw before (setuptools' one)."""
    code = ("import distutils, chainer, distutils as again; "
            "assert distutils is again and 'setuptools' in distutils.__file__, distutils.__file__; print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_clean_env(),
                            cwd=os.path.expanduser("~"), timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]


def test_without_the_startup_line_import_chainer_fails():
    """The hook is what makes it work: with the same interpreter minus its site-packages start-up lines
    (``-S``, then every start-up file of site-packages but ours) a plain ``import chainer`` fails as users saw."""
    if not HAS_CHAINER:
        pytest.skip("Chainer 7.8.1 is not installed in this environment")
    code = textwrap.dedent(
        f"""
        import site, os, sys
        site_dir = {str(PURELIB)!r}
        names = sorted(n for n in os.listdir(site_dir) if n.endswith(".pth") and "chainer_import" not in n)
        sys.path.append(site_dir)
        for name in names:
            site.addpackage(site_dir, name, set())
        try:
            import chainer
        except ModuleNotFoundError as error:
            print("failed:", error)
        else:
            print("imported")
        """
    )
    result = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, env=_clean_env(),
                            cwd=os.path.expanduser("~"), timeout=240)
    assert "failed: No module named 'distutils.msvccompiler'" in result.stdout, result.stdout + result.stderr[-1500:]


@needs_chainer
def test_wheel_in_a_fresh_venv(tmp_path):
    """Build the wheel, install it into a new venv (no editable finder, no Makefile step) next to setuptools'
    own start-up file, and import chainer there. The venv borrows this environment's numpy, setuptools and
    Chainer through a path line (offline), exactly as an installed copy would find them."""
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels),
         str(ROOT)], capture_output=True, text=True, timeout=300, cwd=str(tmp_path))
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("consistent_resize-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    fresh_site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                     capture_output=True, text=True, check=True).stdout.strip())
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr[-2000:]
    assert (fresh_site / "consistent_resize_chainer_import.pth").is_file()
    # Dependencies from this environment, found before setuptools' distutils-precedence.pth runs:
    (fresh_site / "a_dependencies.pth").write_text(str(PURELIB) + "\n")
    precedence = PURELIB / "distutils-precedence.pth"
    if precedence.exists():
        (fresh_site / "distutils-precedence.pth").write_text(precedence.read_text())
    result = _run(python)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "chainer 7." in result.stdout
    module = subprocess.run([python, "-c", "import _consistent_resize_chainer_import as m; print(m.__file__)"],
                            capture_output=True, text=True, env=_clean_env(), cwd=str(tmp_path))
    assert str(fresh_site) in module.stdout, module.stdout + module.stderr
