"""`make bench`: reportgen measured against the seed's method (bench.py) and a class verified
(bench_class.py). Not part of the package: the wheel does not ship it, and neither the render
key nor a report's code digest reads it, so editing a benchmark leaves every report as it was.
Run from the checkout's top folder: `python -m benchmarks.bench`."""
