"""Demos for the LLM training topic, one submodule per sub-theme: `data` (the next-token loss and perplexity,
pretraining data mixtures, quality filters and MinHash deduplication), `scaling` (scaling laws, training FLOPs,
over-training, emergent abilities and the critical batch size), `tokenizers` (byte-level BPE, unigram segmentation,
number splitting) and `stability` (learning-rate schedules for long runs, z-loss, QK-norm).
"""
