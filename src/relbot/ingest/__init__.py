"""Ingestion: source files -> SourceItems (loaders) -> Records (chunking) -> the store (pipeline)."""
