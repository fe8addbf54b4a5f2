"""The app's plain code: a drawing made into an MNIST image, predictions, stored models."""

from __future__ import annotations

import numpy as np
import pytest

from reportgen.analysis.stored import dump_model, load_model
from reportgen.app.digits import predict, to_grayscale, to_mnist
from reportgen.errors import InputError


def _seven(size: int = 280) -> np.ndarray:
    """A drawn 7 as a canvas gives it: black strokes on white RGBA, off-centre and small."""
    image = np.full((size, size, 4), 255, dtype=np.uint8)
    for t in np.linspace(0, 1, 400):
        for y, x in ((40, int(150 + 80 * t)), (int(40 + 130 * t), int(230 - 60 * t))):
            image[y - 6 : y + 6, x - 6 : x + 6, :3] = 0
    return image


def test_a_drawing_becomes_an_mnist_image():
    mnist = to_mnist(_seven())
    assert mnist.shape == (28, 28) and mnist.dtype == np.uint8
    rows, cols = np.nonzero(mnist > 25)
    assert rows.max() - rows.min() <= 20 and cols.max() - cols.min() <= 20  # fits 20x20
    ys, xs = np.indices(mnist.shape)
    mass = mnist.astype(float)
    centre = ((ys * mass).sum() / mass.sum(), (xs * mass).sum() / mass.sum())
    assert abs(centre[0] - 13.5) <= 1 and abs(centre[1] - 13.5) <= 1  # centred by mass
    assert mnist[0].sum() == 0 and mnist[:, 0].sum() == 0  # a dark border, as MNIST's


def test_ink_is_bright_whatever_the_background():
    white = to_grayscale(np.full((10, 10, 3), 255))
    assert white.max() == 0  # a blank white canvas holds no ink
    assert to_mnist(np.full((50, 50, 4), 255, dtype=np.uint8)).sum() == 0


@pytest.fixture(scope="module")
def trained(sample):
    """Two small models on 2,500 sample digits (every other one: the sample is sorted by class),
    as a run stores them (skops round trip); 100 other digits to predict."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.preprocessing import StandardScaler

    X, y = sample.X[::2].astype(float), sample.y[::2]
    scaler = StandardScaler().fit(X)
    logreg = LogisticRegression(max_iter=300, C=0.1).fit(scaler.transform(X), y)
    ridge = Ridge(alpha=100.0).fit(scaler.transform(X), y)
    models = {
        "logreg": (
            load_model_bytes(dump_model({"tuned": logreg}))["tuned"],
            "classification",
            "standard_scaler",
        ),
        "ridge": (ridge, "regression", "standard_scaler"),
    }
    return models, scaler, sample.X[1::50], sample.y[1::50]


def load_model_bytes(data: bytes):
    import skops.io as sio

    return sio.loads(data)


def test_predictions_name_the_right_digit_for_test_digits(trained):
    models, scaler, pixels, labels = trained
    said = [predict(models, p, scaler) for p in pixels]
    right = sum(s["logreg"]["digit"] == label for s, label in zip(said, labels, strict=True))
    assert right >= 80  # far above chance (10 of 100)
    assert all(0 <= s["ridge"]["digit"] <= 9 for s in said)
    assert all(abs(sum(s["logreg"]["probabilities"]) - 1) < 1e-6 for s in said)


def test_a_stored_mlp_needs_no_untrusted_type_and_loads(tmp_path, sample):
    from sklearn.neural_network import MLPClassifier

    mlp = MLPClassifier(hidden_layer_sizes=(256,), max_iter=3, random_state=0)
    with pytest.warns(Warning):
        mlp.fit(sample.X[:500].astype(np.float32) / 255, sample.y[:500])
    path = tmp_path / "mlp.skops"
    path.write_bytes(dump_model({"default": mlp, "tuned": mlp}))
    # one (256,) MLP in float32 under two names (skops stores a shared object once), its
    # weights once (no optimizer, no early-stopping copy): 784 x 256 x 4 bytes and a little
    assert 0.7e6 < path.stat().st_size < 1.0e6
    again = load_model(path)["tuned"]
    assert not hasattr(again, "_best_coefs") and not hasattr(again, "_optimizer")
    X = sample.X[:20] / 255
    assert np.array_equal(again.predict(X), mlp.predict(X))
    assert np.array_equal(again.predict_proba(X), mlp.predict_proba(X))


def test_a_model_file_with_untrusted_types_is_refused(tmp_path, sample):
    import skops.io as sio
    from sklearn.neural_network import MLPClassifier

    mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0)
    with pytest.warns(Warning):
        mlp.fit(sample.X[:100] / 255, sample.y[:100])
    path = tmp_path / "evil.skops"
    path.write_bytes(sio.dumps(mlp))  # keeps Adam's state: a type skops does not trust
    with pytest.raises(InputError, match="does not trust by default.*AdamOptimizer"):
        load_model(path)
    (tmp_path / "junk.skops").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a skops model file"):
        load_model(tmp_path / "junk.skops")
