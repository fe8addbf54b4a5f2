"""The app's four pages (`reportgen app`): Körningar, Resultat, Jämför, Rita en siffra.

Each page is a function; streamlit_app.py puts them in the navigation and page_*.py runs one on
its own (for tests). Everything shown comes from the runs of OUT (results.json, run.json, the
report PDF, the stored models), formatted by the report's own language layer, in Swedish.
OUT comes from `-- --out OUT` (server.py passes it) or REPORTGEN_APP_OUT.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import streamlit as st

from reportgen import numbers
from reportgen.app.digits import predict, to_mnist
from reportgen.app.runs_view import (
    Run,
    confusion,
    list_runs,
    load_models,
    split_images,
    summary_rows,
)
from reportgen.errors import ReportgenError
from reportgen.models import MODELS
from reportgen.report.context import build_context, model_names
from reportgen.report.language import language

SV = language("sv")
NAMES = model_names(SV)
CLASSIFIERS = [k for k, m in MODELS.items() if m.family == "classification"]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--out", default=os.environ.get("REPORTGEN_APP_OUT", "output"))
    parser.add_argument("--data", default=os.environ.get("REPORTGEN_APP_DATA"))
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args


def _out() -> Path:
    return Path(_args().out)


def _data_dir() -> str | None:
    return _args().data


@st.cache_data(show_spinner=False, ttl=5)
def _runs(out: str) -> list[Run]:
    return list_runs(Path(out))


def _chosen() -> Run | None:
    runs = _runs(str(_out()))
    if not runs:
        st.info(f"Inga körningar i {_out()}/runs/: bygg en rapport med `reportgen build` först.")
        return None
    ids = [r.id for r in runs]
    current = st.session_state.get("run_id")
    index = ids.index(current) if current in ids else 0
    chosen = st.sidebar.selectbox("Körning", ids, index=index, key="run_select")
    st.session_state["run_id"] = chosen
    return runs[ids.index(chosen)]


@st.cache_resource(show_spinner=False)
def _models(folder: str, phase: str):
    run = next(r for r in _runs(str(Path(folder).parent.parent)) if str(r.folder) == folder)
    return load_models(run, phase)


@st.cache_data(show_spinner="Läser datamängden …")
def _splits(folder: str, data_dir: str | None):
    run = next(r for r in _runs(str(Path(folder).parent.parent)) if str(r.folder) == folder)
    return split_images(run, data_dir)


def page_runs() -> None:
    st.title("Körningar")
    runs = _runs(str(_out()))
    if not runs:
        st.info(f"Inga körningar i {_out()}/runs/: bygg en rapport med `reportgen build` först.")
        return
    st.caption(f"{len(runs)} körningar i {_out()}/runs/, nyast först. Välj en i sidopanelen.")
    st.dataframe(summary_rows(runs, SV), hide_index=True, width="stretch")
    run = _chosen()
    if run:
        st.write(f"Vald körning: **{run.id}**")


def _score(metric: str, value: float) -> str:
    return numbers.metric(metric, value, SV.code, "app")


def _params(params: list[dict]) -> str:
    return numbers.params({p["name"]: p["value"] for p in params})


def page_results() -> None:
    st.title("Resultat")
    run = _chosen()
    if run is None:
        return
    r = run.results
    ctx = build_context(r, SV)
    rows = []
    for key, m in r.models.items():
        model = ctx["reg"].get(key) or ctx["clf"][key]
        rows.append(
            {
                "Modell": NAMES[key],
                "Mått": "RMSE" if m.metric == "rmse" else "träffsäkerhet",
                "Standard, validering": _score(m.metric, m.default.metrics("validation")[m.metric]),
                "Standard, test": _score(m.metric, m.default.metrics("test")[m.metric]),
                "Optimerad, validering": _score(m.metric, m.tuned.metrics("validation")[m.metric]),
                "Optimerad, test": _score(m.metric, m.tuned.metrics("test")[m.metric]),
                "Valda parametrar": _params(model["tuned"]["best_params"]),
            }
        )
    st.subheader("Modellerna, med standardparametrar och optimerade")
    st.dataframe(rows, hide_index=True, width="stretch")

    st.subheader("Rutnätssökningens kandidater")
    key = st.selectbox("Modell", list(r.models), format_func=NAMES.get, key="cand_model")
    m = r.models[key]
    cands = [
        {
            "Rang": c.rank,
            ("RMSE (validering)" if m.metric == "rmse" else "Träffsäkerhet (validering)"): c.score,
            **{p: str(v) for p, v in c.params.items()},
        }
        for c in m.tuned.candidates
    ]
    score_column = next(k for k in cands[0] if "validering" in k)
    st.dataframe(  # numbers stay numbers here, so a click on a column sorts them
        cands,
        hide_index=True,
        width="stretch",
        column_config={score_column: st.column_config.NumberColumn(format="%.4f")},
    )

    st.subheader("Förväxlingsmatris")
    cols = st.columns(3)
    clf = cols[0].selectbox("Klassificerare", CLASSIFIERS, format_func=NAMES.get, key="cm_model")
    phase = cols[1].radio(
        "Parametrar",
        ["tuned", "default"],
        key="cm_phase",
        horizontal=True,
        format_func={"tuned": "optimerade", "default": "standard"}.get,
    )
    split = cols[2].radio(
        "Del",
        ["test", "validation"],
        key="cm_split",
        horizontal=True,
        format_func={"test": "test", "validation": "validering"}.get,
    )
    matrix = getattr(r.models[clf], phase).confusion_matrix if split == "test" else None
    if matrix is None:
        try:
            models, scaler = _models(str(run.folder), phase)
            pixels, labels = _splits(str(run.folder), _data_dir())["validation"]
            estimator, _, preprocessing = models[clf]
            matrix = confusion(estimator, preprocessing, scaler, pixels, labels)
        except ReportgenError as exc:
            st.warning(f"Valideringsdelens matris kräver modellerna och datan: {exc}")
    if matrix is not None:
        _confusion_chart(matrix)

    st.subheader("Per siffra (optimerade parametrar, testdelen)")
    per = ctx["clf"][clf]["per_class"]
    st.dataframe(
        [
            {
                "Siffra": row["digit"],
                "Precision": SV.decimal(row["precision"], 2),
                "Täckning": SV.decimal(row["recall"], 2),
                "F1": SV.decimal(row["f1"], 2),
                "Antal": row["support"],
            }
            for row in per
        ],
        hide_index=True,
    )
    if run.pdf:
        st.download_button(
            "Ladda ned rapporten (PDF)",
            run.pdf.read_bytes(),
            file_name="report.pdf",
            mime="application/pdf",
        )


def _confusion_chart(matrix: list[list[int]]) -> None:
    import altair as alt

    total = [sum(row) for row in matrix]
    cells = [
        {
            "Sann siffra": i,
            "Predikterad siffra": j,
            "Antal": count,
            "Andel av siffran": SV.percent(count / total[i]) if total[i] else "–",
        }
        for i, row in enumerate(matrix)
        for j, count in enumerate(row)
    ]
    chart = (
        alt.Chart(alt.Data(values=cells))
        .mark_rect()
        .encode(
            x=alt.X("Predikterad siffra:O"),
            y=alt.Y("Sann siffra:O"),
            color=alt.Color("Antal:Q", scale=alt.Scale(scheme="blues")),
            tooltip=["Sann siffra:O", "Predikterad siffra:O", "Antal:Q", "Andel av siffran:N"],
        )
        .properties(width=360, height=360)
    )
    text = chart.mark_text(fontSize=10).encode(text="Antal:Q", color=alt.value("#222222"))
    st.altair_chart(chart + text, width="content")


def page_compare() -> None:
    """Two runs or more: `reportgen compare`'s page (the same code: the columns that differ,
    each score over the runs, each classifier's confusion change as a heatmap), and for two
    `reportgen diff` as Markdown."""
    import streamlit.components.v1 as components

    from reportgen.compare.diff import compare
    from reportgen.compare.formats import to_markdown
    from reportgen.compare.many import build
    from reportgen.compare.many_page import to_html
    from reportgen.compare.sources import Named, load_results, load_side

    st.title("Jämför")
    runs = _runs(str(_out()))
    if len(runs) < 2:
        st.info("Jämförelsen behöver två körningar.")
        return
    ids = [r.id for r in runs]
    folder = {r.id: r.folder for r in runs}
    chosen = st.multiselect(
        "Körningar (den första är baslinjen)", ids, default=[ids[1], ids[0]], key="cmp_runs"
    )
    if len(chosen) < 2:
        st.info("Välj två körningar eller fler.")
        return
    named = [Named(i, str(folder[i]), load_results(folder[i])) for i in chosen]
    components.html(to_html(build(named)), height=900, scrolling=True)
    if len(chosen) == 2:
        st.header("Allt som skiljer (reportgen diff)")
        diff = compare(load_side(folder[chosen[0]]), load_side(folder[chosen[1]]))
        st.markdown(to_markdown(diff))


def page_draw() -> None:
    st.title("Rita en siffra")
    run = _chosen()
    if run is None:
        return
    try:
        models, scaler = _models(str(run.folder), "tuned")
    except ReportgenError as exc:
        st.error(str(exc))
        return
    source = st.radio(
        "Bild",
        ["rita", "ladda upp", "testbild"],
        horizontal=True,
        key="draw_source",
        format_func={
            "rita": "Rita",
            "ladda upp": "Ladda upp en PNG",
            "testbild": "Välj en testbild",
        }.get,
    )
    image = None
    if source == "rita":
        from streamlit_drawable_canvas import st_canvas

        st.caption("Rita en siffra med musen, stort och mitt i rutan.")
        result = st_canvas(
            stroke_width=18,
            stroke_color="#000000",
            background_color="#ffffff",
            height=280,
            width=280,
            drawing_mode="freedraw",
            key="canvas",
            return_image_data=True,
        )
        if result.image_data is not None and (np.asarray(result.image_data)[..., :3] < 128).any():
            image = to_mnist(result.image_data)
    elif source == "ladda upp":
        upload = st.file_uploader("PNG-bild av en siffra", type=["png"], key="upload")
        if upload is not None:
            from PIL import Image

            image = to_mnist(np.asarray(Image.open(upload).convert("RGBA")))
    else:
        try:
            pixels, labels = _splits(str(run.folder), _data_dir())["test"]
        except ReportgenError as exc:
            st.error(str(exc))
            return
        index = st.number_input("Index i testdelen", 0, len(labels) - 1, 0, key="test_index")
        image = pixels[int(index)].reshape(28, 28)
        st.caption(f"Rätt svar: {int(labels[int(index)])}")
    if image is None:
        st.info("Ingen bild än.")
        return
    left, right = st.columns([1, 2])
    left.image(
        np.kron(image, np.ones((8, 8), dtype=np.uint8)), caption="Det modellerna fick: 28×28"
    )
    said = predict(models, image.reshape(-1), scaler)
    with right:
        st.subheader("Klassificerare")
        for key in CLASSIFIERS:
            if key in said:
                st.markdown(
                    f"**{NAMES[key]}**: {said[key]['digit']}", help="sannolikhet per siffra"
                )
                st.bar_chart(
                    {str(d): p for d, p in enumerate(said[key]["probabilities"])}, height=140
                )
        st.subheader("Regressionsmodeller")
        st.dataframe(
            [
                {"Modell": NAMES[k], "Rått värde": SV.decimal(v["raw"], 2), "Avrundat": v["digit"]}
                for k, v in said.items()
                if v["family"] == "regression"
            ],
            hide_index=True,
        )
    st.session_state["last_prediction"] = {k: v["digit"] for k, v in said.items()}


PAGES = [
    (page_runs, "Körningar", "korningar"),
    (page_results, "Resultat", "resultat"),
    (page_compare, "Jämför", "jamfor"),
    (page_draw, "Rita en siffra", "rita"),
]


def main() -> None:
    """The whole app: the four pages in the sidebar's navigation."""
    st.set_page_config(page_title="reportgen", layout="wide")
    pages = [
        st.Page(page, title=title, url_path=path, default=i == 0)
        for i, (page, title, path) in enumerate(PAGES)
    ]
    st.navigation(pages).run()
