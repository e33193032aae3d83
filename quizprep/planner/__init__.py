"""The study planner behind `quizprep.api`.

Modules:
    memory   FSRS-6 formulas in plain Python (forgetting curve, stability and difficulty updates)
    state    ItemState (one item's memory state), its JSON and fsrs.Card forms, and a review
    columns  the states as NumPy columns, cached between calls
    choose   picking the next item: recall at the interview per second, or plain FSRS order
"""
