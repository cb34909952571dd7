"""The bot's own aiohttp server: health, metrics and platform webhooks."""
