"""A reporting quarter: files combined into one quarter (``combine``), archived atomically (``archive``) and
compared with the quarter before (``diff``)."""
