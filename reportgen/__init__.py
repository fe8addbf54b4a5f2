"""reportgen: runs an MNIST regression-vs-classification analysis and writes the report."""

# First, before anything loads NumPy: one BLAS kernel for every x86-64 machine (see blas.py).
from .environments.blas import select_kernel

select_kernel()

__version__ = "0.2.0"
