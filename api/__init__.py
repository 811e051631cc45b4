"""The FastAPI application: routes, authentication, dependencies. No business logic here.

uvicorn "api:create_app" --factory
"""

from api.app import create_app

__all__ = ["create_app"]
