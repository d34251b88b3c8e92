"""NIAP progress reports -> normalised records -> DuckDB.

Command line: ``python -m loaders {parse,load,build,check}`` (see docs in the README).
"""
