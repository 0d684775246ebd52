"""What the pipeline hands on: the workbook (``sheets`` + ``xlsx``), the published figures (``summary``), the list
of what to fix (``fixlist``), the report's view model (``view``, ``itemview``, ``diffview``, ``charts``) and its
rendering (``render``, with ``fetcher`` as WeasyPrint's only door).  ``labels``, ``display`` and ``provenance``
say how codes, figures and sources read to a person.  The contract CSVs are written by ``pipeline.contract``."""
