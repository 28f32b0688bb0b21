"""The directory: nations, groupings, organisations, users, API tokens; who the principal is."""
