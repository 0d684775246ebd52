"""The watchdog's dataset: every body's reports, every quarter, read on Dask into partitioned Parquet.

``collect.py`` runs it, ``engine.py`` is the Dask side, ``task.py`` what a worker does with one file,
``host.py`` the lean process beside each worker where ``process_files`` runs,
``writer.py`` and ``commit.py`` how results enter the dataset crash-safely, ``manifest.py`` the record of every
source file, ``layout.py`` the names, ``schema.py`` the Parquet types, ``read.py`` reading it back consistently,
``cli.py`` the ``collect`` command.  Nothing heavy is imported here: ``pipeline.run.cli`` imports ``cli``.
"""
