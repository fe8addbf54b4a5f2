"""The figures' colours and hatches, shared by every figure module."""

ACCENT, MUTED, GOLD = "#1f5f8b", "#9bbcd6", "#d9a441"
HATCH = "#123b5a"  # the hatch lines that tell series apart without colour
DIGITS = [str(d) for d in range(10)]
