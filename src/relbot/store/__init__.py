"""Persistence: the Chroma vector store (records) and the state database (SQLite or PostgreSQL)."""
