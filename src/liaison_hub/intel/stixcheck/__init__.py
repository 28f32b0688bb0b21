"""STIX 2.1 object checks compiled from the reference library's class definitions (see ``objects``)."""
