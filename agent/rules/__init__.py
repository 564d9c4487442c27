"""The ``rules`` backend: a deterministic Turkish intent router with slot filling.

``RulesEngine.respond(turns, customer_id)`` returns a ``RulesReply`` (text and
tool calls) in the same protocol the language model speaks, so everything
after the backend is shared. Pure Python: no database, no I/O.
"""

from agent.rules.router import RulesEngine, RulesReply

__all__ = ["RulesEngine", "RulesReply"]
