"""Tool results and agent status turned into the bot's Turkish HTML messages."""
