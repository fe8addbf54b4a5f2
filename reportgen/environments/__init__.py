"""The environments a report is built, rendered and verified in: what is recorded of them, the
render stack the tests run (the lock), the BLAS kernel reportgen selects, the venvs verify makes
for a submission's own environment, and what differs between two of them, named as causes."""
