"""`reportgen app`: a local Streamlit companion over the runs of an output folder.

digits.py and models_store.py are plain code (no Streamlit): a drawing made into an MNIST
image, each model's prediction, and the tuned models stored safely with skops. pages.py is the
Streamlit script; server.py starts it.
"""
