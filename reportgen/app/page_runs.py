"""One page of the app on its own (AppTest runs these)."""

from reportgen.app.views import page_runs

page_runs()
