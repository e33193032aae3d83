"""Demos for the optimization topic, one submodule per sub-theme: `gradient_descent` (plain, mini-batch and
stochastic descent on a bowl), `adaptive` (momentum, Nesterov, AdaGrad, RMSprop, Adam and AdamW), `schedules`
(learning-rate schedules, warmup and the linear scaling rule) and `diagnostics` (gradient checking, validation loss
below training loss).
"""
