"""Correlation of observables across partners' records, and sightings, always within what the reader may read.

Ingest queues each stored batch (``intel_index_queue``); ``service.catch_up`` indexes the queue, called by the
server's index worker (``runtime.index_worker``) after the commits and by every query of the index first, so
answers stay exact.
"""
