"""What the pipeline hands on: the workbook (``xlsx``), the report's view model (``view``, ``diffview``, ``charts``)
and its rendering (``render``, with ``fetcher`` as WeasyPrint's only door).  The contract CSVs are written by
``pipeline.contract``."""
