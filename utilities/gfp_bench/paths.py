"""The path interface that gfp-bench measures, and a simulated path.

A *path* is one host+guest pair through which the generator's frames reach
the guest's forwarder and come back to the sink: vswitch-only, host DPDK,
guest DPDK, both, the testpmd reference, direct.  The harness only sees the
:class:`Path` interface: it sets a path up once, runs trials on it (a fixed
offered rate, or the generator's maximum for MRR), and tears it down.  The
real paths that build pairs with gfp-pair and gfp-sandbox implement this
interface; :class:`SimulatedPath` implements it with a device of known
capacity and loss curve, for the tests and for ``--simulate``.

The real paths are registered modules (:mod:`gfp_bench.registry`,
:mod:`gfp_bench.catalogue`) built on the seats of :mod:`gfp_bench.seats`.
"""

from __future__ import annotations

import abc
import dataclasses
import math
import random
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Union

# The path ratios are taken against when a path names none of its own
# (the paths suite's first path).  The catalogue itself is the registry's
# (gfp_bench.registry): a path is a module of gfp_bench.catalogue.
BASELINE = "vswitch-only"


class Skip(Exception):
    """A path cannot run here; ``reason`` says why, for the report.

    Raised by :meth:`Path.setup` (or by a trial) where a prerequisite is
    missing: hugepages, the plugin, a bridge, an SR-IOV VF.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass
class TrialResult:
    """What one trial measured.

    Counts are exact: every frame the generator sent was either received
    by the sink or counted as dropped by one hop, so ``unaccounted`` is 0
    on a path whose counters are complete.
    """

    rate_pps: Optional[float]
    """The requested offered rate; None for the generator's maximum (MRR)."""
    frame_size: int
    flows: int
    duration_s: float
    sent: int
    """Frames the generator sent."""
    received: int
    """Frames the sink received."""
    drops_by_hop: Dict[str, int] = dataclasses.field(default_factory=dict)
    """Frames dropped, by the hop that counted them (e.g. "ovs", "guest")."""
    latency_ns: List[float] = dataclasses.field(default_factory=list)
    """One-way latency samples (a subsample is fine; <= 100,000 please)."""
    cpu_use: Dict[str, float] = dataclasses.field(default_factory=dict)
    """CPU use per component, in CPUs (1.0 = one core busy all the time)."""
    cycles_per_packet: Dict[str, float] = dataclasses.field(
        default_factory=dict)
    """Busy cycles per packet per component, from its own counters."""
    pollers: List[str] = dataclasses.field(default_factory=list)
    """The components that poll (each a busy CPU while the path runs,
    whatever the load): the generator's among them."""

    @property
    def lost(self) -> int:
        """Frames sent and not received."""
        return self.sent - self.received

    @property
    def loss_ratio(self) -> float:
        """Lost over sent; 1.0 when nothing was sent."""
        return self.lost / self.sent if self.sent > 0 else 1.0

    @property
    def offered_pps(self) -> float:
        """The rate the generator really offered."""
        return self.sent / self.duration_s

    @property
    def received_pps(self) -> float:
        """The rate the sink received."""
        return self.received / self.duration_s

    @property
    def unaccounted(self) -> int:
        """Lost frames that no hop counted (0 when accounting is exact)."""
        return self.lost - sum(self.drops_by_hop.values())

    @property
    def generator_short(self) -> bool:
        """True if the generator fell more than 1% short of the rate asked."""
        return (self.rate_pps is not None
                and self.offered_pps < 0.99 * self.rate_pps)

    def passes(self, loss_ratio: float) -> bool:
        """True if the trial lost no more than ``loss_ratio`` of what was
        sent (integer comparison for 0, so NDR means not one frame)."""
        if self.sent <= 0:
            return False
        return self.lost <= loss_ratio * self.sent


class Path(abc.ABC):
    """One host+guest pair to measure.

    Life cycle, driven by :mod:`gfp_bench.trials`:

    1. :meth:`prerequisites` -- cheap, no side effects: a reason the path
       cannot run here, or None;
    2. :meth:`setup` -- once; may raise :class:`Skip` (with the reason) or
       any other exception (the path is then marked failed);
    3. :meth:`activate`, then trials and :meth:`generator_capacity`, then
       :meth:`deactivate`, once per turn of this path in the alternation;
    4. :meth:`teardown` -- always called once :meth:`setup` was entered,
       even if it raised, after a failure and after Ctrl-C: it must be
       idempotent and cope with a half-built path, and leave nothing
       behind.
    """

    name: str
    description: str

    def prerequisites(self) -> Optional[str]:
        """Why this path cannot run here, or None if it can."""
        return None

    @abc.abstractmethod
    def setup(self) -> None:
        """Builds the path (sandboxed switch, guest, generator, sink)."""

    @abc.abstractmethod
    def teardown(self) -> None:
        """Removes everything :meth:`setup` made; idempotent."""

    def activate(self) -> None:
        """Called before each turn of this path.  A real path resumes its
        pollers here: paths that are set up but not measured must not
        take CPU from the one that is (on two cores, an idle PMD thread
        of another path would halve the result)."""

    def deactivate(self) -> None:
        """Called after each turn of this path; see :meth:`activate`."""

    @abc.abstractmethod
    def trial(self, rate_pps: Optional[float], frame_size: int, flows: int,
              duration_s: float) -> TrialResult:
        """Offers ``rate_pps`` frames per second (None: as fast as the
        generator can, for MRR) of ``frame_size`` bytes over ``flows``
        flows for ``duration_s`` seconds, and returns what was counted."""

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        """The generator's own capacity in frames per second on this path's
        seat, measured without the path (generator straight to sink), or
        None if this path cannot measure it."""
        return None


# A loss curve: (offered rate, device capacity) -> the fraction lost.
LossCurve = Callable[[float, float], float]
RateSpec = Union[float, Callable[[int], float]]


def knee_loss(offered_pps: float, capacity_pps: float) -> float:
    """A device that forwards up to its capacity and drops the excess: no
    loss below capacity, ``1 - capacity/offered`` above.  NDR is the
    capacity, PDR for loss L is ``capacity / (1 - L)``."""
    if offered_pps <= capacity_pps:
        return 0.0
    return 1.0 - capacity_pps / offered_pps


def sporadic_loss(ndr_fraction: float,
                  loss_at_capacity: float) -> LossCurve:
    """A device that starts to drop the odd frame below its capacity, as
    real ones do: no loss up to ``ndr_fraction`` of the capacity, then a
    loss growing linearly to ``loss_at_capacity`` at the capacity, and
    above it a constant forwarding rate of ``(1 - loss_at_capacity) *
    capacity``.  NDR is ``ndr_fraction * capacity``; PDR for a loss L
    below ``loss_at_capacity`` is ``c0 + (capacity - c0) * L /
    loss_at_capacity`` with ``c0`` the NDR."""
    if not 0.0 < ndr_fraction < 1.0:
        raise ValueError("ndr_fraction must be in (0, 1)")
    if not 0.0 < loss_at_capacity < 1.0:
        raise ValueError("loss_at_capacity must be in (0, 1)")

    def curve(offered_pps: float, capacity_pps: float) -> float:
        c0 = ndr_fraction * capacity_pps
        if offered_pps <= c0:
            return 0.0
        if offered_pps <= capacity_pps:
            return (loss_at_capacity * (offered_pps - c0)
                    / (capacity_pps - c0))
        return 1.0 - (1.0 - loss_at_capacity) * capacity_pps / offered_pps

    return curve


def l1_rate_limit(frame_size: int, bps: float) -> float:
    """Frames per second that ``bps`` bits per second carry on the wire:
    each frame takes 20 more bytes (preamble, SFD, inter-frame gap)."""
    return bps / ((frame_size + 20) * 8)


class SimulatedPath(Path):
    """A device of known capacity and loss curve, for tests and demos.

    The capacity (frames per second, a number or a function of the frame
    size) may be capped by ``bandwidth_bps``; per trial it is scaled by
    ``1 + noise * N(0, 1)`` from a generator seeded by ``seed``, so a
    sequence of trials is reproducible.  Losses are counted at ``hop``,
    so accounting is exact.  No time passes: a trial returns at once.
    """

    def __init__(self, name: str, capacity_pps: RateSpec, *,
                 description: str = "",
                 loss_curve: LossCurve = knee_loss,
                 bandwidth_bps: Optional[float] = None,
                 generator_pps: RateSpec = 20e6,
                 noise: float = 0.0,
                 seed: int = 0,
                 hop: str = "guest",
                 latency_base_ns: float = 10_000.0,
                 latency_samples: int = 1000,
                 components: Optional[Mapping[str, float]] = None,
                 pollers: Sequence[str] = (),
                 cpu_hz: float = 2.0e9,
                 unavailable: Optional[str] = None,
                 skip_in_setup: Optional[str] = None,
                 fail_in_setup: Optional[str] = None,
                 fail_on_trial: Optional[int] = None,
                 failure: Callable[[], BaseException] =
                 lambda: RuntimeError("simulated failure")) -> None:
        if noise < 0:
            raise ValueError("noise must be >= 0")
        self.name = name
        self.description = description or name
        self._capacity = capacity_pps
        self._loss_curve = loss_curve
        self._bandwidth_bps = bandwidth_bps
        self._generator = generator_pps
        self._noise = noise
        self._rng = random.Random(seed)
        self._latency_rng = random.Random(seed + 0x5EED)
        self._hop = hop
        self._latency_base_ns = latency_base_ns
        self._latency_samples = latency_samples
        self._components = dict(components or {"gfp-fwd": 100.0})
        self._pollers = frozenset(pollers)
        self._cpu_hz = cpu_hz
        self._unavailable = unavailable
        self._skip_in_setup = skip_in_setup
        self._fail_in_setup = fail_in_setup
        self._fail_on_trial = fail_on_trial
        self._failure = failure
        self.events: List[str] = []
        """What was called, in order: setup, activate, trial, ... (tests)."""
        self.trials_run = 0
        self.is_set_up = False

    @staticmethod
    def _rate(spec: RateSpec, frame_size: int) -> float:
        return spec(frame_size) if callable(spec) else float(spec)

    def capacity(self, frame_size: int) -> float:
        """The noiseless capacity at ``frame_size``, frames per second."""
        cap = self._rate(self._capacity, frame_size)
        if self._bandwidth_bps is not None:
            cap = min(cap, l1_rate_limit(frame_size, self._bandwidth_bps))
        return cap

    def generator_rate(self, frame_size: int) -> float:
        """The simulated generator's maximum, frames per second."""
        return self._rate(self._generator, frame_size)

    def prerequisites(self) -> Optional[str]:
        return self._unavailable

    def setup(self) -> None:
        self.events.append("setup")
        if self._skip_in_setup is not None:
            raise Skip(self._skip_in_setup)
        if self._fail_in_setup is not None:
            raise RuntimeError(self._fail_in_setup)
        self.is_set_up = True

    def teardown(self) -> None:
        self.events.append("teardown")
        self.is_set_up = False

    def activate(self) -> None:
        self.events.append("activate")

    def deactivate(self) -> None:
        self.events.append("deactivate")

    def trial(self, rate_pps: Optional[float], frame_size: int, flows: int,
              duration_s: float) -> TrialResult:
        self.events.append("trial")
        self.trials_run += 1
        if self._fail_on_trial == self.trials_run:
            raise self._failure()
        gen = self.generator_rate(frame_size)
        offered = gen if rate_pps is None else min(rate_pps, gen)
        cap = self.capacity(frame_size)
        if self._noise:
            cap *= max(0.01, 1.0 + self._noise * self._rng.gauss(0.0, 1.0))
        sent = int(round(offered * duration_s))
        loss = min(1.0, max(0.0, self._loss_curve(offered, cap)))
        # Any loss at all is at least one frame: NDR is then exactly the
        # capacity, not the capacity plus a rounding margin.
        lost = min(sent, int(math.ceil(sent * loss - 1e-9)))
        received = sent - lost
        rx_pps = received / duration_s
        cpu: Dict[str, float] = {}
        for comp, cpp in self._components.items():
            if comp in self._pollers:
                cpu[comp] = 1.0
            else:
                cpu[comp] = min(1.0, rx_pps * cpp / self._cpu_hz)
        return TrialResult(
            rate_pps=rate_pps, frame_size=frame_size, flows=flows,
            duration_s=duration_s, sent=sent, received=received,
            drops_by_hop={self._hop: lost},
            latency_ns=self._latency(offered / cap),
            cpu_use=cpu, cycles_per_packet=dict(self._components),
            pollers=sorted(self._pollers))

    def _latency(self, load: float) -> List[float]:
        """Samples that grow with the load, as a queue's would."""
        base = self._latency_base_ns
        queueing = min(load, 0.99) / (1.0 - min(load, 0.99))
        rng = self._latency_rng
        return [base * (1.0 + 0.1 * rng.expovariate(1.0) * (1.0 + queueing))
                for _ in range(self._latency_samples)]

    def generator_capacity(self, frame_size: int, flows: int,
                           duration_s: float) -> Optional[float]:
        self.events.append("generator_capacity")
        return self.generator_rate(frame_size)


def simulated_paths(names: Sequence[str], seed: int = 1,
                    noise: float = 0.01) -> Dict[str, Path]:
    """Simulated stand-ins for registered paths, for ``--simulate``: the
    capacity and components of each path's profile, on a 10 Gb/s-class
    link, with noise; a profile may say the path is unavailable (as
    direct is on a host without an SR-IOV VF)."""
    from . import registry
    out: Dict[str, Path] = {}
    for i, name in enumerate(names):
        entry = registry.path(name)
        prof = entry.simulated
        if prof.unavailable:
            out[name] = SimulatedPath(name, prof.mpps * 1e6,
                                      description=entry.description,
                                      unavailable=prof.unavailable)
            continue
        out[name] = SimulatedPath(
            name, prof.mpps * 1e6, description=entry.description,
            bandwidth_bps=10e9, generator_pps=8.0e6,
            loss_curve=sporadic_loss(0.8, 0.01), noise=noise,
            seed=seed * 1000 + i,
            latency_base_ns=2e9 / (prof.mpps * 1e6) * 20,
            components=prof.cycles or {"gfp-fwd": 500.0},
            pollers=("generator",) + tuple(prof.pollers))
    return out
