"""Comparing runs: two results -> structured differences -> text, Markdown, JSON or HTML (diff);
many results -> the columns that differ, each score over the runs, each classifier's confusion
change against a baseline -> text, Markdown, JSON, CSV or an HTML page (compare)."""
