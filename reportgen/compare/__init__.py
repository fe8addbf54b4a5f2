"""Comparing runs: two results -> structured differences -> text, Markdown, JSON or HTML."""
