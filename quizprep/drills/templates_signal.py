"""Drill templates: initialisation, activations and normalisation (issue 9). Registered with @template from quizprep.drills.templates."""

from __future__ import annotations

import numpy as np  # noqa: F401

from quizprep.drills import Problem  # noqa: F401
from quizprep.drills.templates import template  # noqa: F401
