"""What a run shows on the terminal while it runs: on a terminal one
progress line redrawn in place (path, frame size, measurement and search
criterion, trial i/n, elapsed and estimated time); elsewhere (a log, a
pipe) one plain line per measurement.  Warnings and notes are not
printed as they come: the runner gathers them into the report, and the
command line prints one summary line at the end."""

from __future__ import annotations

from typing import TextIO

from .trials import Progress


class Terminal:

    def __init__(self, stream: TextIO, prog: str) -> None:
        self.stream = stream
        self.prog = prog
        self.live = stream.isatty()
        self.width = 0
        self.notes = 0
        self._last_job = 0

    def progress(self, p: Progress) -> None:
        text = p.line()
        if self.live:
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
        elif p.job != self._last_job:
            # One plain line per measurement, not per search trial.
            self._last_job = p.job
            self.stream.write("%s: %s\n" % (self.prog, text))
        else:
            return
        self.stream.flush()

    def clear(self) -> None:
        if self.live and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0

    def say(self, msg: str) -> None:
        """A line the user must see now (the run's plan)."""
        self.clear()
        self.stream.write("%s: %s\n" % (self.prog, msg))
        self.stream.flush()

    def note(self, msg: str) -> None:
        """A warning or note: the report has it; counted here only."""
        self.notes += 1
