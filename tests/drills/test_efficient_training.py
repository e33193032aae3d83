"""Drills of the efficient-training topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import pytest

from quizprep.drills import generate
from tests.helpers.drills import hand_formula_test, solution_ending_test


def zero_memory_per_gpu(p):
    psi, n = p["params_billion"] * 1e9, p["gpus"]
    weights, grads, states = 2 * psi, 2 * psi, 12 * psi  # bytes held without any sharding
    if p["stage"] >= 1:
        states /= n
    if p["stage"] >= 2:
        grads /= n
    if p["stage"] >= 3:
        weights /= n
    return [(weights + grads + states) / 1e9]


def pipeline_bubble(p):
    slots = p["micro_batches"] + p["stages"] - 1
    return [(slots - p["micro_batches"]) / slots]  # idle slots of one stage over all slots


def grad_accum_steps(p):
    per_pass = p["micro_batch"] * p["gpus"]
    assert p["global_batch"] % per_pass == 0
    return [p["global_batch"] // per_pass, p["global_batch"] * p["seq"] / 1024]


def ring_allreduce_bytes(p):
    n = p["gpus"]
    chunk = p["params_billion"] * 1e9 * p["bytes_per_value"] / n
    sent = 2 * (n - 1) * chunk  # n - 1 chunks in reduce-scatter, n - 1 in all-gather
    return [sent / 1e9, sent / (p["bandwidth_gbs"] * 1e9) * 1e3]


def mfu_from_throughput(p):
    return [6 * p["params_billion"] * 1e9 * p["tokens_per_second"] / (p["gpus"] * p["peak_tflops"] * 1e12)]


EXPECTED = {
    "zero-memory-per-gpu": zero_memory_per_gpu,
    "pipeline-bubble": pipeline_bubble,
    "grad-accum-steps": grad_accum_steps,
    "ring-allreduce-bytes": ring_allreduce_bytes,
    "mfu-from-throughput": mfu_from_throughput,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)


def test_zero_drill_covers_every_stage_and_matches_the_paper_example():
    assert {generate("zero-memory-per-gpu", seed).params["stage"] for seed in range(40)} == {0, 1, 2, 3}
    # Rajbhandari et al.: 7.5B parameters on 64 GPUs need 120, 31.4, 16.6 and 1.9 GB.
    example = [zero_memory_per_gpu({"params_billion": 7.5, "gpus": 64, "stage": s})[0] for s in range(4)]
    assert example == pytest.approx([120, 31.4, 16.6, 1.9], abs=0.05)
