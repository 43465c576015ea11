"""The registry of bench paths and suites.

A *path* is one module in :mod:`gfp_bench.catalogue` that calls
:func:`register_path` with its name, its suite, a line of description,
its place in the report, the path it is compared with, a profile for
``--simulate``, and a factory that builds it from a seat (see
:mod:`gfp_bench.seats`).  A *suite* is a module there too, which calls
:func:`register_suite`.  The command line, the simulated run and the
report all read the catalogue from here: adding a path is adding one
file (and its line in gfp-bench(1)).
"""

from __future__ import annotations

import atexit
import dataclasses
import importlib
import os
import pkgutil
import shutil
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

Factory = Callable[..., object]
"""``make(name, description, workdir, sizes, flows, guest) -> Path``."""


@dataclasses.dataclass(frozen=True)
class SimProfile:
    """How ``--simulate`` stands in for a path: Mpps at 64 bytes, busy
    cycles per packet per component, the components that poll."""

    mpps: float
    cycles: Dict[str, float]
    pollers: Tuple[str, ...] = ()
    unavailable: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class PathEntry:
    name: str
    suite: str
    description: str
    order: int
    make: Factory
    baseline: Optional[str]
    simulated: SimProfile


@dataclasses.dataclass(frozen=True)
class SuiteEntry:
    name: str
    description: str
    order: int


_PATHS: Dict[str, PathEntry] = {}
_SUITES: Dict[str, SuiteEntry] = {}
_LOADED = False


def register_suite(name: str, description: str, order: int) -> None:
    """Registers a suite; a name given twice is a programming error."""
    if name in _SUITES:
        raise ValueError("suite %r registered twice" % name)
    _SUITES[name] = SuiteEntry(name, description, order)


def register_path(name: str, *, suite: str, description: str, order: int,
                  baseline: Optional[str], simulated: SimProfile
                  ) -> Callable[[Factory], Factory]:
    """Decorates a path's factory and registers it."""
    def wrap(make: Factory) -> Factory:
        if name in _PATHS:
            raise ValueError("path %r registered twice" % name)
        _PATHS[name] = PathEntry(name, suite, description, order, make,
                                 baseline, simulated)
        return make
    return wrap


def load() -> None:
    """Imports every module of the catalogue (once)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    from . import catalogue
    for mod in sorted(pkgutil.iter_modules(catalogue.__path__),
                      key=lambda m: m.name):
        importlib.import_module("%s.%s" % (catalogue.__name__, mod.name))


def suites() -> List[SuiteEntry]:
    """The suites, in order."""
    load()
    return sorted(_SUITES.values(), key=lambda s: s.order)


def suite_paths(suite: str) -> List[PathEntry]:
    """The paths of ``suite``, in order; KeyError for an unknown suite."""
    load()
    if suite not in _SUITES:
        raise KeyError(suite)
    return sorted((p for p in _PATHS.values() if p.suite == suite),
                  key=lambda p: p.order)


def path(name: str) -> PathEntry:
    """The entry of path ``name``; KeyError if none."""
    load()
    return _PATHS[name]


def catalogue(suite: str) -> Dict[str, str]:
    """{name: description} of the paths of ``suite``, in order."""
    return {p.name: p.description for p in suite_paths(suite)}


def baselines(names: Sequence[str]) -> Dict[str, str]:
    """Each path's baseline among ``names``: a path that names none is
    its own (its ratios are 1); one whose baseline was not asked for has
    none."""
    load()
    out = {}
    for n in names:
        b = _PATHS[n].baseline if n in _PATHS else None
        if b is None:
            out[n] = n
        elif b in names:
            out[n] = b
    return out


def workdir() -> str:
    """A work directory for a run's real paths, removed at exit."""
    d = tempfile.mkdtemp(prefix="gfp-bench.", dir="/run"
                         if os.access("/run", os.W_OK) else None)
    os.chmod(d, 0o755)
    atexit.register(shutil.rmtree, d, True)
    return d


def make_paths(names: Sequence[str], config, guest: Any = "netns"
               ) -> Tuple[List[object], List[Tuple[str, str, str]]]:
    """The real paths for ``names`` with guests of ``guest`` (a kind's
    name or the run's :class:`gfp_bench.guests.GuestChoice`), and those
    that cannot be made (name, description, reason)."""
    work = workdir()
    made: List[object] = []
    unavailable: List[Tuple[str, str, str]] = []
    for n in names:
        e = path(n)
        try:
            made.append(e.make(e.name, e.description, work, config.sizes,
                               config.flows, guest))
        except ValueError as err:
            unavailable.append((e.name, e.description, str(err)))
    return made, unavailable
