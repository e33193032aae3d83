"""Demos for the training-practice topic, one submodule per sub-theme: `data` (feature scaling, epochs and
batches, transfer learning), `tuning` (hyperparameter search), `initialisation` (weight scales and symmetry) and
`normalisation` (batch, layer and RMS normalisation).
"""
