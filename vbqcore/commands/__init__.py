"""Sub-commands of ``python -m vbqcore``, one module each (see ``vbqcore.cli``)."""
