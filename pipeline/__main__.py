"""``python -m pipeline`` — see pipeline.run.cli."""
import sys

from .run.cli import main

sys.exit(main())
