"""reportgen: runs an MNIST regression-vs-classification analysis and writes the report."""

__version__ = "0.2.0"
