"""What a report PDF carries and how a handed-in PDF is read back: its attachments (read as
hostile input), the manifest, and the submission they make together."""
