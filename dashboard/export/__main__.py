"""``python -m dashboard.export``: see `dashboard.export.cli`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dashboard.export.cli import main  # noqa: E402

sys.exit(main())
