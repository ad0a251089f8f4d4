"""Pure domain: models and decisions built from fetched data, no I/O and no SDKs."""
