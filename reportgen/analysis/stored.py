"""Tuned models stored with skops, never pickle: a run keeps its models for the app.

Only types skops trusts by default are written: scikit-learn's estimators and numpy arrays.
An MLP's training-only state is dropped (its optimizer, of a type skops does not trust by
default, and early stopping's copy of the best weights): it matters only to continue training,
never to predict. Loading refuses a file with any other
type: an error, never a prompt.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files import MAX_DOCUMENT_BYTES, read_bounded

MODELS_DIR = "models"
SCALER = "scaler"  # the StandardScaler fitted on the train split
SUFFIX = ".skops"
MAX_MODEL_BYTES = MAX_DOCUMENT_BYTES


# Training-only state of an MLP: the optimizer (Adam's moments, a type skops does not trust by
# default) and the best weights early stopping would restore (a second copy of every weight).
# Neither is read by predict or predict_proba.
TRAINING_ONLY = ("_optimizer", "_best_coefs", "_best_intercepts")


def _light(estimator: Any) -> Any:
    light = copy.copy(estimator)
    for name in TRAINING_ONLY:
        if hasattr(light, name):
            delattr(light, name)
    return light


def dump_model(model: Any) -> bytes:
    """An estimator, or a dict of them ({"default": ..., "tuned": ...}), as skops bytes,
    without training-only state of untrusted types."""
    import skops.io as sio

    if isinstance(model, dict):
        return sio.dumps({name: _light(estimator) for name, estimator in model.items()})
    return sio.dumps(_light(model))


def load_model(path: Path) -> Any:
    """A stored estimator; a file with types outside skops' default trust is refused."""
    data = read_bounded(path, MAX_MODEL_BYTES, hint="rebuild the run with `reportgen build`")
    return loads_model(data, str(path))


def loads_model(data: bytes, where: str) -> Any:
    """An estimator from skops bytes (`where` names them); types outside skops' default
    trust are refused."""
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:  # not a skops file at all
        raise InputError(f"{where} is not a skops model file ({type(exc).__name__})") from None
    if untrusted:
        raise InputError(
            f"{where} holds types skops does not trust by default ({', '.join(untrusted[:3])}): "
            "refused; rebuild the run with `reportgen build`"
        )
    try:
        return sio.loads(data)
    except Exception as exc:
        raise InputError(
            f"{where} cannot be loaded ({type(exc).__name__}): rebuild the run"
        ) from None


def stored_models(run_dir: Path) -> dict[str, Path]:
    """The model files of a run folder, by model key (and 'scaler')."""
    folder = Path(run_dir) / MODELS_DIR
    if not folder.is_dir():
        return {}
    return {p.name.removesuffix(SUFFIX): p for p in sorted(folder.glob(f"*{SUFFIX}"))}
