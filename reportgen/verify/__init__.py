"""Verifying handed-in reports: is the PDF what its analysis computed (integrity), and does the
analysis reproduce (reproduction)? Each PDF gets one verdict:

reproduced | within_tolerance | differs | tampered | unverifiable | error
"""
