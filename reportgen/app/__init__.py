"""`reportgen app`: a local Streamlit companion over the runs of an output folder.

digits.py and runs_view.py are plain code (no Streamlit): a drawing made into an MNIST image,
each model's prediction, the runs and their tables. views.py holds the Streamlit pages,
streamlit_app.py and page_*.py are the scripts Streamlit runs, server.py starts it. The stored
models are read by analysis/stored.py (skops, never pickle).
"""
