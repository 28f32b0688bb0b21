"""Intelligence store: STIX 2.1 objects in collections, every version kept, markings mapped to the policy."""
