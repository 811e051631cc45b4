"""Placeholder replaced below."""


class LLMUnavailable(Exception):
    pass


def from_settings():
    return None
