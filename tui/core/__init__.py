"""The Textual-free core: the schema, sessions and their files, the prompt, masking."""
