"""Model backends: transformers, openai, rules; one interface."""
