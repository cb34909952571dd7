"""Moderator and admin commands, platform-neutral: specs here, handlers in this package."""
