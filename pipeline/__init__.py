"""Turn quarterly pledge-progress cards (PDF, HWP 5.0, HWPX) into contract CSVs, archives, diffs and reports."""

__version__ = "0.1.0"
