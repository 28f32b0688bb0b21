"""Shared pieces of the HTTP interfaces: request-scoped sessions, principals and error rendering."""
