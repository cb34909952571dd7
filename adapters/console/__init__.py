"""The console adapter: a local channel in the terminal, and the in-process test backend."""

from adapters.console.adapter import ConsoleAdapter, ConsoleUser

__all__ = ["ConsoleAdapter", "ConsoleUser"]
