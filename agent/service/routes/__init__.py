"""The routers of the agent HTTP API, one module per group."""
