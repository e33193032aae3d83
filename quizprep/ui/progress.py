"""A progress bar on standard error for long work, started on first use and always cleaned up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[], None]]:
    """Yields `advance()`; the bar is removed (and the cursor restored) however the work ends.

    In plain mode there is no bar (it redraws a line): one line on standard error says what runs."""
    from quizprep.ui import plain_mode

    if plain_mode():
        from quizprep.ui.console import print_note

        print_note(f"{label} ({total})…")
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=total)
    progress.start()
    try:
        yield lambda: progress.advance(task)
    finally:
        progress.stop()


def with_progress(func: Callable, advance: Callable[[], None]) -> Callable:
    """`func` that also advances a progress bar each time it is called."""

    def wrapped(*args, **kwargs):
        result = func(*args, **kwargs)
        advance()
        return result

    return wrapped
