"""quizprep: a terminal quiz and study planner for deep-learning interviews.

The map of the package is docs/architecture.md: `cli` parses, `context` carries
what a command needs, `modes` run the ways to practise, `session` asks and
records, `store` keeps state in SQLite, `ui` holds every view, `bank`, `demos`
and `drills` hold the content, `api` and `planner` schedule towards an interview.
"""

__version__ = "0.2.0"
