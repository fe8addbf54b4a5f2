"""The report: results -> template context -> HTML (Jinja2) and figures -> PDF (WeasyPrint).

Nothing here imports scikit-learn; pyplot only where figures are drawn."""
