"""Terminal output the commands share: a console and a progress bar with events per second."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

#: Wide enough for the status tables when output goes to a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 160)


class SpeedColumn(ProgressColumn):
    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("—" if speed is None else f"{speed:,.0f} {self.unit}/s")


def progress_bar(label: str, unit: str = "events") -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        SpeedColumn(unit),
        TimeRemainingColumn(),
        console=console,
    )
