"""The study planner behind `quizprep.api`.

Modules:
    memory   FSRS-6 formulas in plain Python (forgetting curve, stability and difficulty updates)
    state    ItemState (one item's memory state), its JSON and fsrs.Card forms, and a review
    columns  the states as columns (Python lists, or NumPy arrays for large selections), cached between calls
    arrays   the two kinds of columns and the namespaces the formulas run on
    values   the planner's formulas over items, written once for both kinds
    choose   picking the next item: recall at the interview per second, or plain FSRS order
"""
