"""The pure edit core: a snapshot, a task and a model reply in; new text or a refusal out.

Nothing here does I/O. :mod:`blitzls.engine` wraps it with the model, the cache and policy.
"""
