"""NDR and PDR by binary search over the offered rate.

One search finds the highest rate that each *criterion* (a loss ratio: 0
for NDR, 0.005 for PDR) accepts, between a floor and the maximum the
generator offers (the MRR trial's offered rate).  The criteria share
trials: a trial that passes NDR passes PDR, a trial that fails PDR fails
NDR, so every trial narrows every criterion's interval, and PDR usually
starts from the interval NDR left.

Per criterion the search keeps ``lo``, the highest rate known to pass
(or the untested floor), and ``hi``, the lowest known to fail.  The first
probe is at the MRR's received rate, where the answer usually is; from
there it steps away by the tolerance, doubling the step each time, until
the answer is bracketed, then bisects until ``hi - lo`` is within the
tolerance.  Then it confirms ``lo``: it must pass ``verify`` trials in all.
A failed confirmation (noise: the device had a better moment when ``lo``
first passed) lowers ``lo`` by the tolerance, doubling that step on each
further failure, and the search resumes.  The number of trials spent on
one criterion is capped by ``max_iterations``; a search that hits the cap
reports the best rate it had confirmed, marked not converged.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from .paths import Path, TrialResult


@dataclasses.dataclass(frozen=True)
class Criterion:
    """A name ("ndr", "pdr") and the loss ratio it accepts."""

    name: str
    loss_ratio: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.loss_ratio < 1.0:
            raise ValueError("loss ratio %r outside [0, 1)" % self.loss_ratio)


def ndr_pdr(pdr_loss: float = 0.005) -> List[Criterion]:
    """The usual pair: NDR (no loss) and PDR (``pdr_loss``, 0.5%)."""
    return [Criterion("ndr", 0.0), Criterion("pdr", pdr_loss)]


@dataclasses.dataclass(frozen=True)
class SearchConfig:
    """How a search runs.

    The tolerance is ``tolerance_pps`` if given, else ``tolerance_ratio``
    of the reference rate: the first rate probed (the MRR's received
    rate, near the answer) or else the maximum; the floor is ``floor_pps``
    if given, else ``floor_ratio`` of the maximum rate.
    """

    duration_s: float = 1.0
    tolerance_ratio: float = 0.01
    tolerance_pps: Optional[float] = None
    floor_ratio: float = 0.01
    floor_pps: Optional[float] = None
    max_iterations: int = 12
    verify: int = 1

    def __post_init__(self) -> None:
        if self.duration_s <= 0:
            raise ValueError("trial duration must be positive")
        if not 0.0 < self.tolerance_ratio < 1.0:
            raise ValueError("tolerance ratio must be in (0, 1)")
        if self.tolerance_pps is not None and self.tolerance_pps <= 0:
            raise ValueError("tolerance must be positive")
        if not 0.0 < self.floor_ratio < 1.0:
            raise ValueError("floor ratio must be in (0, 1)")
        if self.floor_pps is not None and self.floor_pps <= 0:
            raise ValueError("floor must be positive")
        if self.max_iterations < 1:
            raise ValueError("max iterations must be >= 1")
        if self.verify < 1:
            raise ValueError("verify must be >= 1")

    def tolerance(self, reference_rate: float) -> float:
        """The rate resolution, frames per second."""
        if self.tolerance_pps is not None:
            return self.tolerance_pps
        return self.tolerance_ratio * reference_rate

    def floor(self, max_rate: float) -> float:
        """The lowest rate searched, frames per second."""
        if self.floor_pps is not None:
            return min(self.floor_pps, max_rate)
        return self.floor_ratio * max_rate


@dataclasses.dataclass
class SearchStep:
    """One trial of a search."""

    criterion: str
    """The criterion whose interval the rate was chosen in."""
    phase: str
    """"max" (the maximum load), "start" (the first probe, at the MRR's
    received rate), "step" (stepping away from a known bound), "bisect",
    "floor" or "verify"."""
    rate_pps: float
    result: TrialResult
    passed: Dict[str, bool]
    """Per criterion: did this trial pass it."""


@dataclasses.dataclass
class CriterionResult:
    """What a search found for one criterion."""

    name: str
    loss_ratio: float
    rate_pps: Optional[float]
    """The highest rate that passed (and was confirmed); None if even the
    floor lost too much."""
    lower_pps: float
    upper_pps: float
    converged: bool
    trials: int
    """Trials chosen for this criterion (shared ones count where they
    were chosen)."""
    note: str = ""


@dataclasses.dataclass
class SearchOutcome:
    """Every criterion's result and every step, in order."""

    results: Dict[str, CriterionResult]
    steps: List[SearchStep]
    max_rate_pps: float
    tolerance_pps: float
    floor_pps: float

    def rate(self, name: str) -> Optional[float]:
        """The rate found for criterion ``name``."""
        return self.results[name].rate_pps


@dataclasses.dataclass
class _State:
    criterion: Criterion
    lo: float
    hi: float
    lo_ok: bool = False
    lo_passes: int = 0
    step: float = 0.0
    trials: int = 0
    first: bool = True
    direction: int = 0
    """+1: stepping up from lo, -1: stepping down from hi, 0: bisecting."""
    width: float = 0.0
    """The current step up or down; doubles while the direction holds."""
    from_start: bool = False
    done: bool = False
    result: Optional[CriterionResult] = None


TrialFn = Callable[[float], TrialResult]
ObserveFn = Callable[[str, str], None]


def search(path: Path, frame_size: int, flows: int, max_rate_pps: float,
           criteria: Sequence[Criterion], config: SearchConfig,
           start_pps: Optional[float] = None,
           max_trial: Optional[TrialResult] = None,
           observe: Optional[ObserveFn] = None) -> SearchOutcome:
    """Searches ``path`` at ``frame_size`` and ``flows``.

    ``max_rate_pps`` is the upper bound, normally the MRR trial's offered
    rate; ``max_trial``, if given, is a trial at that rate that is not
    repeated (the MRR trial itself).  ``start_pps`` is the first rate
    probed, normally the MRR trial's received rate.  ``observe``, if
    given, hears of each trial before it runs: (criterion, phase).
    """
    def run(rate: float) -> TrialResult:
        return path.trial(rate, frame_size, flows, config.duration_s)

    return search_fn(run, max_rate_pps, criteria, config, start_pps,
                     max_trial, observe)


CAPPED = ("no loss at the rate cap (--max-rate): the path's limit is at "
          "or above it, not measured")


def search_fn(run: TrialFn, max_rate_pps: float,
              criteria: Sequence[Criterion], config: SearchConfig,
              start_pps: Optional[float] = None,
              max_trial: Optional[TrialResult] = None,
              observe: Optional[ObserveFn] = None) -> SearchOutcome:
    """:func:`search` over any function that runs a trial at a rate."""
    if max_rate_pps <= 0:
        raise ValueError("maximum rate must be positive")
    if not criteria:
        raise ValueError("no criteria to search")
    reference = max_rate_pps
    if start_pps is not None and 0 < start_pps < max_rate_pps:
        reference = start_pps
    tol = config.tolerance(reference)
    floor = config.floor(max_rate_pps)
    states = [_State(c, lo=floor, hi=max_rate_pps, step=tol, width=tol)
              for c in criteria]
    steps: List[SearchStep] = []

    def record(st: Optional[_State], phase: str, rate: float,
               res: TrialResult) -> None:
        passed = {s.criterion.name: res.passes(s.criterion.loss_ratio)
                  for s in states}
        steps.append(SearchStep(st.criterion.name if st else "all", phase,
                                rate, res, passed))
        if st is not None:
            st.trials += 1
        for s in states:
            if not s.done:
                _update(s, rate, passed[s.criterion.name], floor)

    def probe(s: _State, phase: str, rate: float) -> None:
        if observe is not None:
            observe(s.criterion.name, phase)
        record(s, phase, rate, run(rate))

    def finish(s: _State, rate: Optional[float], converged: bool,
               note: str = "") -> None:
        s.done = True
        s.result = CriterionResult(
            name=s.criterion.name, loss_ratio=s.criterion.loss_ratio,
            rate_pps=rate, lower_pps=s.lo, upper_pps=s.hi,
            converged=converged, trials=s.trials, note=note)

    # The maximum load: a criterion that passes there is limited by the
    # generator, not by the path.
    if max_trial is None:
        max_trial = run(max_rate_pps)
        record(None, "max", max_rate_pps, max_trial)
    else:
        steps.append(SearchStep(
            "all", "max", max_rate_pps, max_trial,
            {s.criterion.name: max_trial.passes(s.criterion.loss_ratio)
             for s in states}))
    for s in states:
        if max_trial.passes(s.criterion.loss_ratio):
            s.lo, s.lo_ok = max_rate_pps, True
            finish(s, max_rate_pps, True, CAPPED if max_trial.rate_pps
                   else "no loss at the highest rate the generator could "
                   "offer through this path: the sender is the limit "
                   "(the generator itself, or a path that pushes back on "
                   "it, as kernel switching does in the sender's context; "
                   "compare with the generator's capacity)")

    for s in states:
        while not s.done:
            if s.trials >= config.max_iterations:
                finish(s, s.lo if s.lo_ok else None, False,
                       "stopped after %d trials" % s.trials)
                break
            if s.hi - s.lo > tol:
                rate, phase = _next_rate(s, start_pps, max_rate_pps)
                probe(s, phase, rate)
                _steer(s, steps[-1].passed[s.criterion.name])
            elif not s.lo_ok:
                phase = "floor" if s.lo <= floor else "bisect"
                probe(s, phase, s.lo)
                if not s.lo_ok and s.lo <= floor and not s.done:
                    finish(s, None, True, "loses more than %g%% at the "
                           "floor, %.0f pps" % (100 * s.criterion.loss_ratio,
                                                floor))
            elif s.lo_passes < config.verify:
                probe(s, "verify", s.lo)
            else:
                finish(s, s.lo, True)
    return SearchOutcome(results={s.criterion.name: s.result  # type: ignore
                                  for s in states},
                         steps=steps, max_rate_pps=max_rate_pps,
                         tolerance_pps=tol, floor_pps=floor)


def _next_rate(s: _State, start: Optional[float],
               max_rate: float) -> Tuple[float, str]:
    """The next rate to probe for ``s``, and the phase it belongs to.

    The first probe is at ``start`` (the MRR's received rate), where the
    answer usually is; from there the search steps away by the tolerance,
    doubling the step, until the answer is bracketed (an exponential
    search), then bisects.  A criterion that starts from an interval that
    others' trials left steps up from its ``lo`` (or down from a ``hi``
    below the maximum) in the same way.
    """
    if s.first:
        s.first = False
        if start is not None and s.lo < start < s.hi:
            s.from_start = True
            return start, "start"
        if s.lo_ok:
            s.direction = 1
        elif s.hi < max_rate:
            s.direction = -1
    if s.direction > 0 and s.lo + s.width < s.hi:
        return s.lo + s.width, "step"
    if s.direction < 0 and s.hi - s.width > s.lo:
        return s.hi - s.width, "step"
    s.direction = 0
    return (s.lo + s.hi) / 2.0, "bisect"


def _steer(s: _State, passed: bool) -> None:
    """Keeps stepping the same way (twice as far) or turns to bisection."""
    if s.from_start:
        s.from_start = False
        s.direction = 1 if passed else -1
    elif s.direction > 0:
        if passed:
            s.width *= 2.0
        else:
            s.direction = 0
    elif s.direction < 0:
        if not passed:
            s.width *= 2.0
        else:
            s.direction = 0


def _update(s: _State, rate: float, passed: bool, floor: float) -> None:
    """Narrows (or, on a failed confirmation, widens) one interval."""
    if rate == s.lo:
        if passed:
            s.lo_ok = True
            s.lo_passes += 1
        elif s.lo > floor:
            # lo failed after all: step down, doubling, and search again.
            s.hi = s.lo
            s.lo = max(floor, s.lo - s.step)
            s.step *= 2.0
            s.lo_ok = False
            s.lo_passes = 0
        return
    if not s.lo < rate < s.hi:
        return
    if passed:
        s.lo, s.lo_ok, s.lo_passes = rate, True, 1
    else:
        s.hi = rate
