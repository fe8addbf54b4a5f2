"""The script Streamlit runs for `reportgen app`."""

from reportgen.app.views import main

main()
