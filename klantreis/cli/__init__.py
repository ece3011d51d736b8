"""The ``klantreis`` command. Each command is a thin call into the folder, exchange or service API.

Errors are printed as one line in the user's language with a non-zero exit code; set
``KLANTREIS_DEBUG=1`` to see the traceback of an unexpected error.

Only the standard library, click and the catalogue load at start-up: ``klantreis --help`` and
``klantreis templates`` answer at once, and each command loads what it uses (the models, the
database, pandas, DuckDB, the widgets) when it runs (``benchmarks/cli_startup.py`` measures it).

:mod:`.group` holds the command group and what the commands share; the commands are grouped by
what they do: :mod:`.workshop`, :mod:`.servers`, :mod:`.outputs` and :mod:`.data`.
"""

from klantreis.cli import data, outputs, servers, workshop
from klantreis.cli.group import main

__all__ = ["data", "main", "outputs", "servers", "workshop"]
