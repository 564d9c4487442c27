"""The agent HTTP service (``python -m agent serve``).

``create_app(settings, agent)`` builds the FastAPI application around any
``AgentClient`` (in production the in-process ``AgentRuntime``);
``agent.service.server.serve`` runs it on uvicorn.
"""

from agent.service.app import create_app

__all__ = ["create_app"]
