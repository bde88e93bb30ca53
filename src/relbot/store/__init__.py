"""Persistence: the Chroma vector store (records, guidance) and the SQLite state DB."""
