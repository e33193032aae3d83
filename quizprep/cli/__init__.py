"""The `quizprep` command: options in, one call into the core, one view out.

    base       the typer app, the root options (--version, --plain), the dashboard of a bare
               `quizprep`, and the helpers every command uses (context, views, JSON, pager)
    study      quiz, review, plan, interview, drill, demo
    code       the `code` group: practise, check and show coding exercises
    bank       list, topics, show, search, import, export, validate
    progress   stats, config, optimize, orphans, info

The modules are imported here in the order their commands appear in `quizprep --help`.
"""

# Each module registers its commands on the app, in this order.
# isort: off
from quizprep.cli import study  # noqa: F401
from quizprep.cli import code  # noqa: F401
from quizprep.cli import bank  # noqa: F401
from quizprep.cli import progress  # noqa: F401
from quizprep.cli.base import app

# isort: on

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    from quizprep.ui.terminal import install_signal_handlers

    install_signal_handlers()
    app(prog_name="quizprep")
