"""Demos: generative and representation learning, smaller models, honest data (issue 9) (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations
