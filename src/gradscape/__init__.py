"""gradscape: exact derivatives, gradients, fields, optimizers and pictures."""

__version__ = "0.1.0"
