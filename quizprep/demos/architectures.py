"""Demos: CNN arithmetic, attention and transformers (issue 9) (see quizprep.demos.framework for how demos are written)."""

from __future__ import annotations
