"""Retrieval-quality evaluation: the QMSum harness, the langchain baseline it is compared with, and the
labelled demo questions. Nothing here is imported by the serving or search paths."""
