"""The agent HTTP service (``python -m agent serve``).

``agent.service.app.create_app(settings, agent)`` builds the FastAPI
application around any ``AgentClient`` (in production the in-process
``AgentRuntime``); ``agent.service.server.serve`` runs it on uvicorn. This
package file imports nothing, so the CLI's other commands stay light.
"""
