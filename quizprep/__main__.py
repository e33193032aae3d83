"""`python -m quizprep` runs the command-line interface."""

from quizprep.cli import main

main()
