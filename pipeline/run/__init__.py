"""Running the pipeline: workers with limits (``workers``), the cache, the batch of files (``batch``), the
``make report`` flow (``flow``) and the command line (``cli``)."""
