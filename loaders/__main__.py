"""``python -m loaders``: see loaders.cli."""

import os
import sys

READ_ONLY = {"parse", "check"}  # commands that write nothing but their output

# Started with standard output or error closed (`>&-`): what would go there goes nowhere,
# as with `print`, rather than failing on a missing stream.
if sys.stdout is None:
    sys.stdout = os.fdopen(os.open(os.devnull, os.O_WRONLY), "w", encoding="utf-8")
if sys.stderr is None:
    sys.stderr = os.fdopen(os.open(os.devnull, os.O_WRONLY), "w", encoding="utf-8")

if len(sys.argv) > 1 and sys.argv[1] in {*READ_ONLY, "load", "build"}:
    from loaders.sandbox_spawn import prestart

    prestart()  # the parse child imports the parsers while this process imports the CLI

from loaders.cli import main  # noqa: E402

code = main()
try:  # what is still buffered goes out now, where a failure can be told in one line
    sys.stdout.flush()
except BrokenPipeError:  # `parse FILE | head`: the reader went away, which is not an error
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
except OSError as e:  # a full disk, a closed terminal
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.stderr.write(f"error: standard output: {e.strerror or e}\n")
    code = 2
if len(sys.argv) > 1 and sys.argv[1] in READ_ONLY:
    # Nothing to tidy up once the output is out (no database, no file written): skip the
    # interpreter's teardown of every module, a tenth of a quick `parse`.
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
