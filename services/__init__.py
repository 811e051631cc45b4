"""Use cases on top of the domain packages and storage: what the worker, the API and the
command line call (ARCHITECTURE.md). For now the in-process chain (services/pipeline.py)."""
