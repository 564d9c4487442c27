"""``python -m agent export-training``: stored conversations as the next fine-tune's data.

``reading`` finds the conversations and their ratings, ``pseudonyms`` puts
placeholders for personal data, ``dialogues`` writes the trainer's dialogue
JSON (and reads it back), ``command`` is the command line.
"""
