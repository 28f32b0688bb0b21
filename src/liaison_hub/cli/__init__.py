"""The ``liaison`` command line: thin Typer commands over the same services."""
