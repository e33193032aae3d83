"""quizprep: a terminal quiz for deep-learning interviews.

Modules:
    cli      the typer app: parses options and calls the functions below
    bank     the question bank: item schema, YAML loading with a cache, validation, selection
    store    review state in SQLite: connection, migrations, review log
    latex    LaTeX math to readable Unicode
    render   Rich views of items and tables
    export   writing the bank out (JSON)
    paths    where the data folder, the cache and the bundled bank live
    errors   QuizprepError, the one exception type for mistakes a user can fix
"""

__version__ = "0.1.0"
