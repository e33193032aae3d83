"""Demos for the generative and unsupervised topic, one submodule per sub-theme: `representations`
(autoencoders, PCA and contrastive learning), `generative_models` (Boltzmann machines, GANs and VAEs) and
`clustering` (k-means and self-organising maps).
"""
