"""The server's machinery, kept out of the domain packages: the background threads and the correlation index
worker process that live as long as ``liaison serve``, the SQLite WAL checkpointer, garbage-collector tuning, and
how the server starts and stops (``server``). Domain packages never import it; ``app``, ``asgi`` and the CLI do.

Each module is imported on its own (this package imports nothing), so that the CLI starts without the server."""
