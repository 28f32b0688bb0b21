"""Browsing a collection for people: filtered, keyset-paged object lists and an object's page (web interface)."""
