"""The agent runtime: prompt, model backends, tool-call protocol, tools, HTTP service."""
