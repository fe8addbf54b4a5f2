"""A learning management system's side of a class: its downloads in (names.py, unpack.py,
intake.py), who wrote what (identity.py), and its gradebooks back (grading.py; gradebook.py,
canvas.py, moodle.py)."""
