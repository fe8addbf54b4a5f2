"""Tuning: a model's grid searched by one of the strategies (registry), behind one interface
(base.Strategy); run.run_search makes the Search record of any of them."""

from .base import Fit, Outcome, Progress, Search, Strategy
from .registry import STRATEGIES, strategy_for, strategy_named
from .run import run_search

__all__ = [
    "STRATEGIES",
    "Fit",
    "Outcome",
    "Progress",
    "Search",
    "Strategy",
    "run_search",
    "strategy_for",
    "strategy_named",
]
