"""Intelligence store: STIX 2.1 objects in collections, every version kept, markings mapped to the policy."""

from liaison_hub.intel import correlation  # noqa: F401  (registers the correlation index's batch hook)
