"""A drawn or uploaded digit made into an MNIST image, and what each tuned model says of it.

MNIST's digits were made this way: the stroke's bounding box fitted into 20x20 pixels keeping
its aspect ratio (anti-aliased), then placed in a 28x28 image so that its centre of mass is the
centre. A plain resize of a drawing gives digits MNIST never had (a drawn 7 comes out as 3).
"""

from __future__ import annotations

from typing import Any

import numpy as np

SIDE, BOX = 28, 20


def to_grayscale(image: np.ndarray) -> np.ndarray:
    """Ink as bright values 0-255 on a dark background, from RGB(A), RGBA with alpha or gray.

    A canvas or a scan has dark ink on a light background: it is inverted. Transparent pixels
    (alpha 0) are background."""
    array = np.asarray(image, dtype=np.float64)
    if array.ndim == 3:
        rgb = array[..., :3].mean(axis=2)
        if array.shape[2] == 4:  # transparent pixels are background, whatever their colour
            alpha = array[..., 3] / 255.0
            background = 255.0 if np.median(rgb[alpha > 0.5]) > 127 else 0.0
            rgb = rgb * alpha + background * (1 - alpha) if alpha.any() else rgb
        array = rgb
    if np.median(array) > 127:  # dark ink on white
        array = 255.0 - array
    return np.clip(array, 0, 255)


def to_mnist(image: np.ndarray) -> np.ndarray:
    """A 28x28 uint8 image as MNIST's were made; all zeros if nothing was drawn."""
    from PIL import Image

    gray = to_grayscale(image)
    ink = gray > 0.1 * gray.max() if gray.max() > 0 else np.zeros_like(gray, dtype=bool)
    if not ink.any():
        return np.zeros((SIDE, SIDE), dtype=np.uint8)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = gray[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    height, width = crop.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(
        Image.fromarray(crop.astype(np.uint8)).resize(size, Image.Resampling.LANCZOS),
        dtype=np.float64,
    )
    canvas = np.zeros((SIDE, SIDE))
    top, left = (SIDE - size[1]) // 2, (SIDE - size[0]) // 2
    canvas[top : top + size[1], left : left + size[0]] = small
    total = canvas.sum()
    if total > 0:  # shift the centre of mass to the centre
        ys, xs = np.indices(canvas.shape)
        dy = round(SIDE / 2 - 0.5 - (ys * canvas).sum() / total)
        dx = round(SIDE / 2 - 0.5 - (xs * canvas).sum() / total)
        canvas = np.roll(canvas, (dy, dx), axis=(0, 1))
    return np.clip(np.rint(canvas), 0, 255).astype(np.uint8)


def features(pixels: np.ndarray, preprocessing: str, scaler: Any) -> np.ndarray:
    """Images (784 pixels 0-255 each) as a model received its inputs: standardised with the
    run's scaler, or divided by 255."""
    row = np.asarray(pixels, dtype=np.float64).reshape(-1, 784)
    if preprocessing == "divide_by_255":
        return row / 255.0
    return scaler.transform(row)


def predict(models: dict[str, Any], pixels: np.ndarray, scaler: Any) -> dict[str, dict]:
    """What each model says of one image: a classifier's digit and class probabilities, a
    regressor's raw number and that number rounded to a digit (0-9)."""
    out: dict[str, dict] = {}
    for key, (estimator, family, preprocessing) in models.items():
        x = features(pixels, preprocessing, scaler)
        if getattr(estimator, "coefs_", None) is not None:  # an MLP keeps its training dtype
            x = x.astype(estimator.coefs_[0].dtype)
        if family == "classification":
            proba = estimator.predict_proba(x)[0]
            out[key] = {
                "family": family,
                "digit": int(estimator.classes_[int(np.argmax(proba))]),
                "probabilities": [float(p) for p in proba],
            }
        else:
            raw = float(estimator.predict(x)[0])
            out[key] = {"family": family, "raw": raw, "digit": int(np.clip(np.rint(raw), 0, 9))}
    return out
