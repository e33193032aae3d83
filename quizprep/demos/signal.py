"""Demos: initialisation, activations and normalisation (issue 9) (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations
