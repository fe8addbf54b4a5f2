"""`reportgen init`: a starter folder for a student, with every config key explained."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .config import DEFAULT_CONFIG
from .errors import ReportgenError
from .files import write_temp

SELF_EVALUATION = "sjalvutvardering.md"

REPORT_TOML = """\
# reportgen's config for your report. Every key is optional: delete a line to get the default.
# Flags on the command line override this file (reportgen build --help).

[report]
title = "Machine Learning: MNIST, regression eller klassifikation?"
author = "Namn Efternamnsson"          # your name, on the title page and in the PDF
course = "Kunskapskontroll 2"
date = "{today}"                # YYYY-MM-DD; empty: SOURCE_DATE_EPOCH, else undated
self_evaluation = "{self_evaluation}"   # your Självutvärdering (Markdown); empty: a placeholder
templates_dir = ""                     # a folder of your own templates, searched first
lang = "sv"                            # the report's language: sv | en
pdf_variant = "pdf/ua-1"               # pdf/ua-1 (accessible) | pdf/a-3b (archival, tagged too)

[data]
dataset = "auto"      # auto | sample | openml | idx:DIR (auto: MNIST_DIR if set, else the sample)
mnist_dir = ""        # the folder of the four MNIST IDX files, for auto and idx
n_samples = 0         # 0 = every digit; N = a stratified subset of N digits
seed = 42             # seed of the split and of every model
split = [0.8, 0.1, 0.1]       # train, validation, test
divide_by_255 = ["mlp"]       # classifiers whose pixels are divided by 255; the rest standardised

[tuning]
cv = 0                # 0 = tune on the validation split; k >= 2 = k-fold CV on train
n_jobs = -1           # candidates fitted at once (threads); -1 = one per core
halving = []          # models searched by successive halving, e.g. ["mlp"]; [] = full grids
epoch_halving = ["mlp"]  # models whose candidates race over epochs (only "mlp"); [] = full grids
blas_threads = 1      # BLAS threads of every fit (in the cache key: it moves the last digits)
backend = "threads"   # "threads", or "dask": a Dask cluster (reportgen build --scheduler ADDR)

# Grids override the built-in ones key by key (reportgen's README lists them), e.g.:
# [grids.ridge]
# alpha = [0.1, 1.0, 10.0, 100.0]
"""

SELF_EVALUATION_TEXT = """\
<!-- Din självutvärdering: skriv med egna ord och ta bort den här kommentaren.
     Filen är Markdown; den hamnar i rapportens kapitel Självutvärdering. -->

## Utmaningar

Vilka utmaningar mötte du i arbetet, och hur hanterade du dem?

## Betyg

Vilket betyg anser du att du ska ha, och varför?

## Till utbildningsledaren

Något du vill lyfta fram?
"""


def write_starter(folder: Path, today: dt.date | None = None) -> list[tuple[Path, bool]]:
    """Write report.toml (today's date filled in) and sjalvutvardering.md into `folder`.

    Never overwrites: an existing file is kept. Returns (path, written) for each file.
    """
    today = today or dt.date.today()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportgenError(
            f"cannot create {folder} ({exc.strerror}): choose another folder"
        ) from None
    files = {
        folder / DEFAULT_CONFIG: REPORT_TOML.format(
            today=today.isoformat(), self_evaluation=SELF_EVALUATION
        ),
        folder / SELF_EVALUATION: SELF_EVALUATION_TEXT,
    }
    done = []
    for path, text in files.items():
        tmp = write_temp(path, text)
        try:
            os.link(tmp, path)  # fails if the file exists: never overwritten, even in a race
            done.append((path, True))
        except FileExistsError:
            done.append((path, False))
        finally:
            tmp.unlink(missing_ok=True)
    return done
