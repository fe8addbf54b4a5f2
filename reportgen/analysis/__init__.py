"""The analysis: data -> split and scale -> fit and tune every model -> scores (cached)."""
