"""The ways to practise, one module each: quiz, review, interview, drill.

Each module holds its pure planner (what to ask, from items, stored states and
the clock) and then its runner (opens the state, runs a Session on the io, and
returns what happened for the CLI to show).
"""
