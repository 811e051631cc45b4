"""The FastAPI service and web UI (see issue: service)."""
