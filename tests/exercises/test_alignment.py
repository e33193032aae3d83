"""Alignment exercises: DPO and GAE against plain-Python formulas; wrong variants are caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def dpo_naive(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    m = beta * ((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected))
    with np.errstate(all="ignore"):
        return float(np.mean(-np.log(1 / (1 + np.exp(-m)))))


def dpo_no_reference(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    return float(np.mean(np.logaddexp(0, -beta * (policy_chosen - policy_rejected))))


def dpo_no_beta(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    return reference("dpo_loss")(policy_chosen, policy_rejected, ref_chosen, ref_rejected, 1.0)


def dpo_swapped(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    return reference("dpo_loss")(policy_rejected, policy_chosen, ref_rejected, ref_chosen, beta)


def gae_no_bootstrap(rewards, values, gamma=0.99, lam=0.95):
    return reference("gae")(rewards, np.append(values[:-1], 0.0), gamma, lam)


def gae_forward(rewards, values, gamma=0.99, lam=0.95):
    d = rewards + gamma * values[1:] - values[:-1]
    out, run = np.zeros_like(d), 0.0
    for t in range(len(d)):
        run = d[t] + gamma * lam * run
        out[t] = run
    return out


def gae_gamma_only(rewards, values, gamma=0.99, lam=0.95):
    return reference("gae")(rewards, values, gamma, 1.0)


WRONG = {
    "dpo_loss": [dpo_naive, dpo_no_reference, dpo_no_beta, dpo_swapped],
    "gae": [gae_no_bootstrap, gae_forward, gae_gamma_only],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("alignment", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_dpo_and_gae_by_hand():
    margin = 0.1 * ((-10.0 + 12.0) - (-15.0 + 13.0))
    got = reference("dpo_loss")(np.array([-10.0]), np.array([-15.0]), np.array([-12.0]), np.array([-13.0]))
    assert got == pytest.approx(-math.log(1 / (1 + math.exp(-margin))))
    rewards, values, g, lam = [1.0, 2.0], [0.5, 1.0, 3.0], 0.9, 0.8
    d0, d1 = rewards[0] + g * values[1] - values[0], rewards[1] + g * values[2] - values[1]
    assert reference("gae")(np.array(rewards), np.array(values), g, lam).tolist() == pytest.approx(
        [d0 + g * lam * d1, d1]
    )
