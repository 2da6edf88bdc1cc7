"""The domain: the program document as dataclasses and the method's rules (no Qt, no SQL)."""
