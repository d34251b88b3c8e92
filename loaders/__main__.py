"""``python -m loaders``: see loaders.cli."""

import sys

if len(sys.argv) > 1 and sys.argv[1] in {"parse", "check", "load", "build"}:
    from loaders.sandbox_spawn import prestart

    prestart()  # the parse child imports the parsers while this process imports the CLI

from loaders.cli import main  # noqa: E402

sys.exit(main())
