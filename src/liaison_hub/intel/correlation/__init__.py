"""Correlation of observables across partners' records, and sightings, always within what the reader may read.

Importing this package registers ``service.index_batch`` as an ingest batch hook (``intel.service``), so every
stored batch is indexed in the same transaction; ``liaison_hub.intel`` imports it, so the hook is always on.
"""

from liaison_hub.intel.correlation.service import index_batch
from liaison_hub.intel.ingest import register_batch_hook

register_batch_hook(index_batch)
