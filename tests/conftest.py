"""Shared fixtures: counters that the session prints at its end (how many real-library comparisons
and ONNX node tests passed)."""

from __future__ import annotations

import collections
import os

import importlib.util

import pytest
from hypothesis import HealthCheck, settings

#: Helper modules that import a framework at module level: not collected (as doctest modules) where it is
#: absent, e.g. the numpy-2 leg has no Chainer. The tests that use them skip with a reason.
collect_ignore = [] if importlib.util.find_spec("chainer") is not None else ["chainer_pspnet.py"]

# Hypothesis budgets. "ci" (the default, also what .ci/run sets) is derandomized: every machine draws the
# same cases, so `make test` gives the same verdict everywhere. "fuzz" (`make fuzz`) draws fresh cases from
# the seed pytest is given (``--hypothesis-seed``, printed by `make fuzz`) with larger budgets; a failure it
# finds is fixed and kept as an explicit regression case. "dev" explores quickly with fresh cases.
settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz", max_examples=300, deadline=None, derandomize=False, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_COUNTS: collections.Counter = collections.Counter()


@pytest.fixture
def onnx_counter():
    class _Counter(list):
        def append(self, item):
            _COUNTS["ONNX backend node tests passed"] += 1

    return _Counter()


@pytest.fixture
def library_counter():
    """Call ``library_counter(name)`` once per comparison with a real library that passed."""

    def count(name: str, n: int = 1) -> None:
        _COUNTS[f"real-library comparisons passed ({name})"] += n

    return count


@pytest.fixture
def count():
    """Call ``count(key)`` to add one to a counter printed at the end of the session."""

    def add(key: str, n: int = 1) -> None:
        _COUNTS[key] += n

    return add


@pytest.fixture
def torch_deterministic():
    """The test runs under ``torch.use_deterministic_algorithms(True)``; the previous setting is restored."""
    torch = pytest.importorskip("torch")
    previous = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True)
    yield
    torch.use_deterministic_algorithms(previous)


def pytest_terminal_summary(terminalreporter):
    if not _COUNTS:
        return
    terminalreporter.section("consistent-resize counts")
    for key in sorted(_COUNTS):
        terminalreporter.write_line(f"{key}: {_COUNTS[key]}")
