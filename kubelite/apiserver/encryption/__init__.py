"""Encryption at rest (``--encryption-provider-config``): values of chosen resources are encrypted before they reach
storage, on either backend, and decrypted when read. See :mod:`.config` for the file and :mod:`.storage` for where
it hooks in."""
